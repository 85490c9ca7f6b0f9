lexer grammar DockerfileLexer;
NEWLINE : '\r'? '\n' ;
TEXT : ~[\r\n]+ ;
