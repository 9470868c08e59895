// The one tree-sitter C parser of the process (loading the grammar costs ~10 ms).
import Parser from 'tree-sitter';
import C from 'tree-sitter-c';

let parser: Parser | null = null;

export function parseC(text: string): Parser.Tree {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(C as unknown as Parser.Language);
  }
  return parser.parse(text);
}

export type { SyntaxNode, Tree } from 'tree-sitter';
