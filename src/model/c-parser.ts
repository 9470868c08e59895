// The one tree-sitter C parser of the process (loading the grammar costs ~10 ms). Every parse
// has a time limit: C that defeats the grammar's error recovery (thousands of unbalanced
// brackets on a line) must end in a note, not in minutes of parsing.
import Parser from 'tree-sitter';
import C from 'tree-sitter-c';
import { installParentMemo } from './tree-parents.js';

let parser: Parser | null = null;

/**
 * Time limits of parsing: one parse, and all parses of one image of a file. A whole 220k-line
 * header parses in well under these. Tests lower them to reach the timeout quickly.
 */
export const PARSE_LIMITS = { timeoutMs: 4000, imageBudgetMs: 8000 };

function theParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(C as unknown as Parser.Language);
  }
  return parser;
}

/** One region of a larger text: parsed on its own, with the text's real rows and offsets. */
export interface TextRange {
  startIndex: number;
  endIndex: number;
  /** 0-based row of startIndex (the range starts a line). */
  startRow: number;
  /** 0-based row and column of endIndex. */
  endRow: number;
  endColumn: number;
}

/**
 * Parses `text` (or only `range` of it) within `timeoutMs`. Null when the time ran out: the
 * caller says what was not read.
 */
export function parseC(text: string, range?: TextRange, timeoutMs = PARSE_LIMITS.timeoutMs): Parser.Tree | null {
  const p = theParser();
  p.setTimeoutMicros(Math.max(1, Math.round(timeoutMs * 1000)));
  const includedRanges = range
    ? [
        {
          startIndex: range.startIndex,
          endIndex: range.endIndex,
          startPosition: { row: range.startRow, column: 0 },
          endPosition: { row: range.endRow, column: range.endColumn },
        },
      ]
    : undefined;
  let tree: Parser.Tree | null | undefined;
  try {
    tree = p.parse(text, undefined, includedRanges ? { includedRanges } : {});
  } finally {
    p.setTimeoutMicros(0);
  }
  if (!tree) {
    // A parse that stopped would resume on the next call: start the next one afresh.
    p.reset();
    return null;
  }
  installParentMemo(tree.rootNode);
  return tree;
}

export type { SyntaxNode, Tree, TreeCursor } from 'tree-sitter';
