// The driver around the generated ANTLR lexer and parser:
//  1. read the parser directives at the top (they choose the escape character, so they come first);
//  2. lex and parse the whole file with the grammar (grammar/Dockerfile*.g4): lines, continuations,
//     comments, empty lines and heredoc bodies;
//  3. walk the tree: join each instruction's physical lines into its logical line and apply the reference
//     parser's per-instruction rules (line_parsers.h), attach heredoc bodies, record warnings.
#include "src/frontend/parser.h"

#include <antlr4-runtime.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "DockerfileLexer.h"
#include "DockerfileParser.h"
#include "src/frontend/directives.h"
#include "src/frontend/heredoc.h"
#include "src/frontend/line_parsers.h"
#include "src/frontend/sliding_token_stream.h"
#include "src/frontend/text_util.h"

namespace mybuild::frontend {
namespace {

using grammar::DockerfileLexer;
using grammar::DockerfileParser;
using Segment = DockerfileLexer::Segment;

// The reference reads lines with a 64 KiB scanner buffer.
constexpr size_t kMaxLineBytes = 65535;

// Feeds the lexer one character per byte, straight from the caller's text (no copy, no decoding): token
// indexes are byte offsets and any byte sequence is valid input. A final newline is supplied when the text
// lacks one, so that every physical line ends in '\n' for the grammar.
class ByteCharStream : public antlr4::CharStream {
 public:
  ByteCharStream(std::string_view text, std::string name)
      : text_(text), size_(text.size() + (text.empty() || text.back() != '\n' ? 1 : 0)), name_(std::move(name)) {}

  void consume() override {
    if (pos_ >= size_) throw antlr4::IllegalStateException("cannot consume EOF");
    ++pos_;
  }
  size_t LA(ssize_t i) override {
    if (i == 0) return 0;
    const ssize_t at = i < 0 ? static_cast<ssize_t>(pos_) + i : static_cast<ssize_t>(pos_) + i - 1;
    if (at < 0 || at >= static_cast<ssize_t>(size_)) return antlr4::IntStream::EOF;
    return At(static_cast<size_t>(at));
  }
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return pos_; }
  void seek(size_t index) override { pos_ = std::min(index, size_); }
  size_t size() override { return size_; }
  std::string getSourceName() const override { return name_; }
  std::string getText(const antlr4::misc::Interval& interval) override {
    if (interval.a < 0 || interval.b < interval.a) return "";
    std::string text;
    for (size_t i = static_cast<size_t>(interval.a); i <= static_cast<size_t>(interval.b) && i < size_; ++i) {
      text.push_back(static_cast<char>(At(i)));
    }
    return text;
  }
  std::string toString() const override { return std::string(text_); }

 private:
  size_t At(size_t i) const { return i < text_.size() ? static_cast<unsigned char>(text_[i]) : '\n'; }

  std::string_view text_;
  size_t size_;
  size_t pos_ = 0;
  std::string name_;
};

// Turns the first syntax error into a value; ANTLR would otherwise print it and recover.
class FirstErrorListener : public antlr4::BaseErrorListener {
 public:
  void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t line, size_t column, const std::string& message,
                   std::exception_ptr) override {
    if (error_) return;
    error_ = Error{static_cast<int>(line), static_cast<int>(column) + 1, message};
  }
  struct Error {
    int line;
    int column;
    std::string message;
  };
  const std::optional<Error>& error() const { return error_; }

 private:
  std::optional<Error> error_;
};

std::string_view TrimNewline(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// The logical line as the reference builds it: the first physical line without leading white space, the
// following ones as written; each without its newline and, when it continues, without the escape character
// and the blanks after it.
std::string AssembleLogicalLine(std::string_view source, const std::vector<Segment>& segments, char escape) {
  std::string line;
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view text = TrimNewline(source.substr(segments[i].begin, segments[i].end - segments[i].begin));
    if (i == 0) text = TrimLeftSpace(text);
    if (segments[i].continued) {
      while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
      if (!text.empty() && text.back() == escape) text.remove_suffix(1);
    }
    line.append(text);
  }
  return line;
}

// Which heredoc bodies follow a logical line; asked by the lexer at the end of every instruction.
std::vector<DockerfileLexer::PendingHeredoc> DetectHeredocs(std::string_view source,
                                                           const std::vector<Segment>& segments,
                                                           char escape) {
  std::vector<DockerfileLexer::PendingHeredoc> pending;
  const bool marker = std::any_of(segments.begin(), segments.end(), [&](const Segment& segment) {
    return source.substr(segment.begin, segment.end - segment.begin).find("<<") != std::string_view::npos;
  });
  if (!marker) return pending;  // the common case: no heredoc marker, no need to build the line
  const std::string line = AssembleLogicalLine(source, segments, escape);
  if (line.find("<<") == std::string::npos) return pending;
  StatusOr<Instruction> instruction = InstructionFromLine(line, escape);
  if (!instruction.ok() || !CanContainHeredoc(*instruction)) return pending;
  StatusOr<std::vector<Heredoc>> heredocs = HeredocsFromLine(line);
  if (!heredocs.ok()) return pending;
  for (const Heredoc& heredoc : *heredocs) pending.push_back({heredoc.name, heredoc.chomp});
  return pending;
}

class TreeWalker {
 public:
  TreeWalker(std::string_view source, const std::string& filename, char escape, Dockerfile& out)
      : source_(source), filename_(filename), escape_(escape), out_(out) {}

 private:
  SourceLocation Location(int line, int column, int end_line) const {
    return SourceLocation{filename_, line, column, end_line};
  }

  // A physical line from its first byte (the lexer skips the blanks before the first token).
  static void AddSegment(antlr4::ParserRuleContext* line, bool continued, std::vector<Segment>& segments) {
    const antlr4::Token* first = line->getStart();
    segments.push_back({first->getStartIndex() - first->getCharPositionInLine(), line->getStop()->getStopIndex() + 1,
                        continued});
  }

  // The physical lines of an instruction, in order, from the tree.
  struct Lines {
    std::vector<Segment> segments;
    std::vector<DockerfileParser::HeredocContext*> bodies;
    bool empty_continuation_line = false;
    int end_line = 0;  // the last line before the heredoc bodies
  };

  static void CollectContinuation(DockerfileParser::ContinuationContext* continuation, Lines& lines) {
    for (antlr4::tree::ParseTree* child : continuation->children) {
      if (auto* continued = dynamic_cast<DockerfileParser::ContinuedLineContext*>(child)) {
        AddSegment(continued, true, lines.segments);
        lines.end_line = static_cast<int>(continued->getStop()->getLine());
      } else if (auto* last = dynamic_cast<DockerfileParser::LastLineContext*>(child)) {
        AddSegment(last, false, lines.segments);
        lines.end_line = static_cast<int>(last->getStop()->getLine());
      } else if (auto* skipped = dynamic_cast<DockerfileParser::SkippedLineContext*>(child)) {
        if (skipped->emptyLine()) lines.empty_continuation_line = true;
        lines.end_line = static_cast<int>(skipped->getStop()->getLine());
      } else if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child)) {
        lines.end_line = static_cast<int>(terminal->getSymbol()->getLine());  // DANGLING_END
      }
    }
  }

 public:
  // Converts one instruction's parse tree; called for each in file order.
  Status AddInstruction(DockerfileParser::InstructionContext* ctx) {
    Lines lines;
    // The children in one pass (the generated accessors each scan them with a dynamic_cast per child):
    // the first line's content, its NEWLINE or CONTINUATION, the continuation, the heredoc bodies.
    antlr4::Token* first_end = nullptr;
    DockerfileParser::ContinuationContext* continuation = nullptr;
    for (antlr4::tree::ParseTree* child : ctx->children) {
      if (auto* rule = dynamic_cast<antlr4::ParserRuleContext*>(child)) {
        if (rule->getRuleIndex() == DockerfileParser::RuleContinuation) {
          continuation = static_cast<DockerfileParser::ContinuationContext*>(rule);
        } else if (rule->getRuleIndex() == DockerfileParser::RuleHeredoc) {
          lines.bodies.push_back(static_cast<DockerfileParser::HeredocContext*>(rule));
        }
      } else if (first_end == nullptr) {
        first_end = static_cast<antlr4::tree::TerminalNode*>(child)->getSymbol();
      }
    }
    if (first_end == nullptr) return Internal("an instruction without the end of its first line");
    // The first physical line: the command (keyword, flags, arguments) and its NEWLINE or CONTINUATION.
    antlr4::Token* first = ctx->getStart();
    const int column = static_cast<int>(first->getCharPositionInLine()) + 1;
    lines.segments.push_back({first->getStartIndex() - first->getCharPositionInLine(), first_end->getStopIndex() + 1,
                              first_end->getType() == DockerfileLexer::CONTINUATION});
    lines.end_line = static_cast<int>(first_end->getLine());
    if (continuation != nullptr) CollectContinuation(continuation, lines);
    int end_line = lines.end_line;
    const int start_line = static_cast<int>(ctx->getStart()->getLine());
    const std::string line = AssembleLogicalLine(source_, lines.segments, escape_);

    if (lines.empty_continuation_line) {
      out_.warnings.push_back(Warning{"Empty continuation line found in: " + line,
                                      "Empty continuation lines will become errors in a future release",
                                      "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/",
                                      Location(end_line, 0, end_line)});
    }

    StatusOr<Instruction> parsed = InstructionFromLine(line, escape_);
    if (!parsed.ok()) {
      return InvalidArgument(parsed.status().message(), Location(start_line, column, end_line));
    }
    Instruction instruction = std::move(parsed).value();

    if (CanContainHeredoc(instruction) && line.find("<<") != std::string::npos) {
      StatusOr<std::vector<Heredoc>> heredocs = HeredocsFromLine(line);
      if (!heredocs.ok()) {
        return InvalidArgument(heredocs.status().message(), Location(start_line, column, end_line));
      }
      for (size_t i = 0; i < heredocs->size(); ++i) {
        Heredoc& heredoc = (*heredocs)[i];
        if (i >= lines.bodies.size() || lines.bodies[i]->HEREDOC_UNTERMINATED()) {
          const int last_line =
              lines.bodies.empty() ? end_line : static_cast<int>(lines.bodies.back()->getStop()->getLine());
          return InvalidArgument("unterminated heredoc <<" + heredoc.name + ": expected a line \"" +
                                     heredoc.name + "\" before the end of the file",
                                 Location(start_line, column, last_line));
        }
        heredoc.start_line = static_cast<int>(lines.bodies[i]->getStart()->getLine());
        for (antlr4::tree::TerminalNode* body_line : lines.bodies[i]->HEREDOC_LINE()) {
          const antlr4::Token* token = body_line->getSymbol();
          heredoc.content.append(source_.substr(token->getStartIndex(),
                                                token->getStopIndex() + 1 - token->getStartIndex()));
        }
        heredoc.end_line = static_cast<int>(lines.bodies[i]->HEREDOC_END()->getSymbol()->getLine());
        end_line = heredoc.end_line;
        instruction.heredocs.push_back(std::move(heredoc));
      }
      if (lines.bodies.size() != instruction.heredocs.size()) {
        return Internal("heredoc bodies and heredoc words disagree");
      }
    } else if (!lines.bodies.empty()) {
      return Internal("heredoc body after an instruction that takes none");
    }

    instruction.location = Location(start_line, column, end_line);
    if (instruction.onbuild) instruction.onbuild->location = instruction.location;  // the trigger's line
    if (out_.instructions.empty()) out_.start_line = start_line;
    out_.end_line = end_line;
    out_.instructions.push_back(std::move(instruction));
    return Status::Ok();
  }

 private:
  std::string_view source_;
  const std::string& filename_;
  char escape_;
  Dockerfile& out_;
};

// Step 1: line lengths and the directive block. Also counts the lines that may start an instruction (not
// blank, not a comment): about the number of instructions or more, to allocate the AST once (pages of a
// reservation that heredoc bodies or continuations inflate are never touched).
Status ReadDirectives(std::string_view text, const std::string& filename, Dockerfile& out, int& line_count,
                      size_t& instruction_lines) {
  DirectiveParser directives;
  size_t pos = 0;
  int line_number = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    ++line_number;
    if (line.size() > kMaxLineBytes) {
      return InvalidArgument("dockerfile line greater than max allowed size of " + std::to_string(kMaxLineBytes),
                             SourceLocation{filename, line_number, 0, 0});
    }
    const std::string_view content = TrimLeftSpace(line);
    if (!content.empty() && content.front() != '#') ++instruction_lines;
    if (!directives.done()) {
      StatusOr<std::optional<Directive>> directive = directives.ParseLine(TrimLeftSpace(TrimNewline(line)));
      if (!directive.ok()) {
        return InvalidArgument(directive.status().message(), SourceLocation{filename, line_number, 1, 0});
      }
      if (*directive) {
        if ((*directive)->name == "escape") {
          const std::string& value = (*directive)->value;
          if (value != "\\" && value != "`") {
            return InvalidArgument("invalid escape token '" + value + "' does not match ` or \\",
                                   SourceLocation{filename, line_number, 1, 0});
          }
          out.escape = value[0];
        }
        out.directives.push_back(std::move(**directive));
      }
    }
    pos = end + 1;
  }
  line_count = line_number;
  return Status::Ok();
}

// Parses the top-level item that starts with a token of `type`: an empty line, a comment line, or an
// instruction (returned; nullptr for the others). Fast path: SLL prediction, bailing out at the first
// error; then again from the item's start with full LL and error reporting.
StatusOr<DockerfileParser::InstructionContext*> ParseItem(DockerfileParser& parser, SlidingTokenStream& tokens,
                                                          FirstErrorListener& errors, size_t type,
                                                          const std::string& filename) {
  auto parse = [&]() -> DockerfileParser::InstructionContext* {
    if (type == DockerfileLexer::NEWLINE) {
      parser.emptyLine();
      return nullptr;
    }
    if (type == DockerfileLexer::HASH_WORD) {
      parser.commentLine();
      return nullptr;
    }
    return parser.instruction();
  };
  const size_t start = tokens.index();
  auto* simulator = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
  simulator->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  DockerfileParser::InstructionContext* instruction = nullptr;
  try {
    instruction = parse();
  } catch (const antlr4::ParseCancellationException&) {
    tokens.seek(start);
    parser.addErrorListener(&errors);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    simulator->setPredictionMode(antlr4::atn::PredictionMode::LL);
    instruction = parse();
    parser.removeErrorListeners();
  }
  if (errors.error()) {
    const auto& error = *errors.error();
    return InvalidArgument("syntax error: " + error.message, SourceLocation{filename, error.line, error.column, 0});
  }
  return instruction;
}

StatusOr<Dockerfile> Parse(std::string_view text, const std::string& filename) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  Dockerfile dockerfile;
  dockerfile.filename = filename;
  int line_count = 0;
  size_t instruction_lines = 0;
  MB_RETURN_IF_ERROR(ReadDirectives(text, filename, dockerfile, line_count, instruction_lines));
  dockerfile.instructions.reserve(instruction_lines);

  // Byte offsets from the lexer index `source`; the newline the stream adds at the end lies past it.
  const std::string_view source = text;
  const char escape = dockerfile.escape;

  ByteCharStream input(source, filename);
  DockerfileLexer lexer(&input);
  FirstErrorListener errors;
  lexer.removeErrorListeners();
  lexer.addErrorListener(&errors);
  lexer.Configure(source, escape == '`', [source, escape](const std::vector<Segment>& segments) {
    return DetectHeredocs(source, segments, escape);
  });
  SlidingTokenStream tokens(&lexer);
  DockerfileParser parser(&tokens);
  parser.removeErrorListeners();
  TreeWalker walker(source, filename, escape, dockerfile);
  // One top-level item at a time (the `dockerfile` rule's loop, written out here), each parse tree turned
  // into AST and freed before the next, so memory follows the largest item, not the file.
  for (size_t type = tokens.LA(1); type != antlr4::Token::EOF; type = tokens.LA(1)) {
    const size_t start = tokens.index();
    MB_ASSIGN_OR_RETURN(DockerfileParser::InstructionContext * instruction,
                        ParseItem(parser, tokens, errors, type, filename));
    if (instruction != nullptr) MB_RETURN_IF_ERROR(walker.AddInstruction(instruction));
    if (tokens.index() == start) {
      return Internal("the parser made no progress at token " + std::to_string(start));
    }
    parser.getTreeTracker().reset();
    tokens.DiscardConsumed();
  }
  if (dockerfile.instructions.empty()) {
    return InvalidArgument("file with no instructions: expected at least one instruction such as FROM",
                           SourceLocation{filename, line_count, 0, 0});
  }
  return dockerfile;
}

}  // namespace

StatusOr<Dockerfile> ParseDockerfile(std::string_view text, const std::string& filename) {
  try {
    return Parse(text, filename);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("cannot parse the Dockerfile: ") + e.what(), SourceLocation{filename});
  } catch (...) {
    return InvalidArgument("cannot parse the Dockerfile", SourceLocation{filename});
  }
}

}  // namespace mybuild::frontend
