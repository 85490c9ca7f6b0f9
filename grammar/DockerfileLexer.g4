// The Dockerfile lexer: physical-line structure of a Dockerfile.
//
// Every byte of the input is one character (the driver feeds bytes, not decoded UTF-8), so token start and
// stop indexes are byte offsets into the original text and invalid UTF-8 never stops the lexer.
//
// Modes:
//  - DEFAULT_MODE: the escape character is a backslash;
//  - BACKTICK_ESCAPE: the escape character is a backtick (`# escape=``); the driver selects it with setMode();
//  - HEREDOC: the body lines of the heredocs that the previous instruction line announced (RUN <<EOF).
//    The driver installs a detector that is asked, at the end of each logical instruction line, which heredoc
//    terminators follow; the lexer then reads raw lines up to each terminator and returns to the escape mode.
//
// Tokens (same types in both escape modes):
//  NEWLINE       end of a physical line that does not continue
//  CONTINUATION  the escape character, optional blanks and the newline: the logical line continues
//  BLANK         blanks (space, tab, \f, \v, \r): skipped, the driver takes text from byte ranges
//  ESC_BLANK     the escape character followed by one blank (an escaped blank, e.g. ENV a=b\ c)
//  HASH_WORD     words starting with '#' (a comment when it is the first token of a physical line)
//  END_OF_FLAGS  the word "--" alone
//  FLAG          a lone word starting with "--" (a continuation line holding just "--mount=type=cache")
//  WORD          any other run of words: non-blank characters, and the blanks between them (not those at
//                its ends), so that a physical line is one token or a few, whatever its number of words;
//                a run of two or more escape characters belongs to the word, so a line ending in an escaped
//                escape ("foo\\") does not continue
// and, produced by the driver's token hook rather than by rules:
//  HEREDOC_LINE / HEREDOC_END   one body line / the terminator line of a heredoc
//  HEREDOC_UNTERMINATED         end of input inside a heredoc
//  DANGLING_END                 end of input right after a continuation (a continuation at EOF is allowed)
lexer grammar DockerfileLexer;

tokens { HEREDOC_END, HEREDOC_UNTERMINATED, DANGLING_END }

@lexer::header {
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
}

@lexer::members {
 public:
  // One heredoc announced by an instruction line: its terminator word and whether leading tabs are removed
  // before comparing a line with it (<<-).
  struct PendingHeredoc {
    std::string terminator;
    bool chomp = false;
  };
  // A physical line of the current logical line: [begin, end) byte offsets (end after the newline) and
  // whether it ended in a continuation.
  struct Segment {
    size_t begin = 0;
    size_t end = 0;
    bool continued = false;
  };
  using HeredocDetector = std::function<std::vector<PendingHeredoc>(const std::vector<Segment>&)>;

  // `source` must outlive the lexer and hold the bytes of the char stream (which may add one final newline
  // past its end).
  void Configure(std::string_view source, bool backtick_escape, HeredocDetector detector) {
    source_ = source;
    escape_mode_ = backtick_escape ? BACKTICK_ESCAPE : DEFAULT_MODE;
    setMode(escape_mode_);
    detector_ = std::move(detector);
  }

  std::unique_ptr<antlr4::Token> nextToken() override {
    if (pending_eof_) return std::move(pending_eof_);
    std::unique_ptr<antlr4::Token> token = antlr4::Lexer::nextToken();
    if (token->getType() == antlr4::Token::EOF) return AtEndOfInput(std::move(token));
    if (mode == HEREDOC) {
      OnHeredocLine(token.get());
    } else {
      OnLineToken(token.get());
    }
    return token;
  }

 private:
  void OnLineToken(antlr4::Token* token) {
    const size_t type = token->getType();
    if (at_line_start_) {
      at_line_start_ = false;
      line_begin_ = token->getStartIndex() - token->getCharPositionInLine();  // blanks before it are skipped
      line_kind_ = kBlankSoFar;
    }
    if (type == NEWLINE || type == CONTINUATION) {
      const bool blank = line_kind_ == kBlankSoFar;
      const bool comment = line_kind_ == kComment;
      at_line_start_ = true;
      if (comment) return;                          // comment lines never take part in a logical line
      if (type == NEWLINE && blank) return;         // an empty line (or an empty continuation line)
      segments_.push_back({line_begin_, token->getStopIndex() + 1, type == CONTINUATION});
      if (type == CONTINUATION) {
        continuing_ = true;
        return;
      }
      continuing_ = false;
      EndOfLogicalLine();
      return;
    }
    if (line_kind_ == kBlankSoFar) line_kind_ = type == HASH_WORD ? kComment : kText;
  }

  void EndOfLogicalLine() {
    std::vector<PendingHeredoc> found;
    if (detector_) found = detector_(segments_);
    segments_.clear();
    if (found.empty()) return;
    heredocs_ = std::move(found);
    next_heredoc_ = 0;
    pushMode(HEREDOC);
  }

  void OnHeredocLine(antlr4::Token* token) {
    std::string_view line = source_.substr(token->getStartIndex(),
                                           token->getStopIndex() + 1 - token->getStartIndex());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    const PendingHeredoc& current = heredocs_[next_heredoc_];
    if (current.chomp) {
      while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
    }
    if (line != current.terminator) return;
    static_cast<antlr4::WritableToken*>(token)->setType(HEREDOC_END);
    if (++next_heredoc_ == heredocs_.size()) {
      heredocs_.clear();
      popMode();
    }
  }

  std::unique_ptr<antlr4::Token> AtEndOfInput(std::unique_ptr<antlr4::Token> eof) {
    size_t synthetic = 0;
    if (mode == HEREDOC) {
      synthetic = HEREDOC_UNTERMINATED;
      heredocs_.clear();
      popMode();
    } else if (continuing_) {
      synthetic = DANGLING_END;
      continuing_ = false;
      segments_.clear();
    }
    if (synthetic == 0) return eof;
    auto token = std::make_unique<antlr4::CommonToken>(synthetic, "");
    token->setLine(eof->getLine() > 1 ? eof->getLine() - 1 : 1);
    token->setCharPositionInLine(0);
    token->setStartIndex(eof->getStartIndex());
    token->setStopIndex(eof->getStartIndex() - 1);
    token->setTokenIndex(eof->getTokenIndex());
    pending_eof_ = std::move(eof);
    return token;
  }

  enum LineKind { kBlankSoFar, kComment, kText };

  std::string_view source_;
  size_t escape_mode_ = DEFAULT_MODE;
  HeredocDetector detector_;
  bool at_line_start_ = true;
  size_t line_begin_ = 0;
  LineKind line_kind_ = kBlankSoFar;
  bool continuing_ = false;
  std::vector<Segment> segments_;
  std::vector<PendingHeredoc> heredocs_;
  size_t next_heredoc_ = 0;
  std::unique_ptr<antlr4::Token> pending_eof_;
}

// ---- backslash escape (default) ----
NEWLINE      : '\n' ;
CONTINUATION : '\\' [ \t]* '\r'* '\n' ;
BLANK        : [ \t\f\u000B\r]+ -> skip ;
ESC_BLANK    : '\\' [ \t\f\u000B\r] ;
HASH_WORD    : '#' BS_PART* (BS_BLANKS BS_PART+)* ;
END_OF_FLAGS : '--' ;
FLAG         : '--' BS_PART+ ;
WORD         : BS_PART+ (BS_BLANKS BS_PART+)* ;
fragment BS_PART : ~[ \t\f\u000B\r\n\\] | '\\' '\\'+ | '\\' ~[ \t\f\u000B\r\n\\] ;
fragment BS_BLANKS : [ \t\f\u000B\r]+ ;

mode BACKTICK_ESCAPE;
BT_NEWLINE      : '\n' -> type(NEWLINE) ;
BT_CONTINUATION : '`' [ \t]* '\r'* '\n' -> type(CONTINUATION) ;
BT_BLANK        : [ \t\f\u000B\r]+ -> skip ;
BT_ESC_BLANK    : '`' [ \t\f\u000B\r] -> type(ESC_BLANK) ;
BT_HASH_WORD    : '#' BT_PART* (BT_BLANKS BT_PART+)* -> type(HASH_WORD) ;
BT_END_OF_FLAGS : '--' -> type(END_OF_FLAGS) ;
BT_FLAG         : '--' BT_PART+ -> type(FLAG) ;
BT_WORD         : BT_PART+ (BT_BLANKS BT_PART+)* -> type(WORD) ;
fragment BT_PART : ~[ \t\f\u000B\r\n`] | '`' '`'+ | '`' ~[ \t\f\u000B\r\n`] ;
fragment BT_BLANKS : [ \t\f\u000B\r]+ ;

mode HEREDOC;
HEREDOC_LINE : ~[\n]* '\n' ;
