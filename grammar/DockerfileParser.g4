// The Dockerfile parser: a file is a sequence of empty lines, comment lines and instructions; an instruction
// is one logical line (physical lines joined by continuations, with empty and comment lines inside skipped)
// followed by the bodies of the heredocs it announced.
//
// The first physical line of an instruction is a `content` line like the others: the lexer gives a run of
// words with the blanks between them as one WORD token, so the grammar only sees the physical-line
// structure (and the tree stays a few nodes per line). The grammar accepts every token sequence the lexer
// produces, so a file never has a syntax error at this level. The meaning of the joined logical line (the
// keyword, flags, a flag value with quoted blanks, JSON or shell form, ENV pairs …) is decided by the C++
// layer (src/frontend/line_parsers.cc) with the rules of the reference parser; errors found there carry
// FILE:LINE:COL.
parser grammar DockerfileParser;

options { tokenVocab = DockerfileLexer; }

dockerfile : (emptyLine | commentLine | instruction)* EOF ;

emptyLine : NEWLINE ;

// A '#' as the first non-blank character makes the whole physical line a comment (also a parser directive,
// which the driver reads before lexing). A comment ending in the escape character does not continue.
commentLine : HASH_WORD (WORD | HASH_WORD | ESC_BLANK | FLAG | END_OF_FLAGS)* (NEWLINE | CONTINUATION) ;

instruction
  : content (NEWLINE | CONTINUATION continuation) heredoc*
  | CONTINUATION continuation heredoc*   // a first line holding only the escape character
  ;

// The physical lines after a continuation: empty and comment lines are dropped (empty ones with a warning);
// the instruction ends at the first line that does not continue, or at the end of the file.
continuation : (skippedLine* continuedLine)* skippedLine* (lastLine | DANGLING_END) ;

// A physical line that continues on the next one; it may hold only the escape character.
continuedLine : content? CONTINUATION ;

lastLine : content NEWLINE ;

skippedLine : emptyLine | commentLine ;

// The words of a physical line of an instruction (blanks at its ends are skipped by the lexer).
content : (WORD | ESC_BLANK | FLAG | END_OF_FLAGS) (WORD | HASH_WORD | ESC_BLANK | FLAG | END_OF_FLAGS)* ;

heredoc : HEREDOC_LINE* (HEREDOC_END | HEREDOC_UNTERMINATED) ;
