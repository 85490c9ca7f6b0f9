parser grammar DockerfileParser;
options { tokenVocab = DockerfileLexer; }
dockerfile : (TEXT? NEWLINE)* TEXT? EOF ;
