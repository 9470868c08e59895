// Helpers the return-convention rules (KF-RET-01..03) share: where an early-return check ends,
// and the "pre-existing line" downgrade they apply like the index rules do.
import type { SyntaxNode } from '../../model/c-parser.js';

/** The statement an `if` consequence ends with: itself, or the last of its block. */
export function finalStatement(cons: SyntaxNode | null): SyntaxNode | null | undefined {
  return cons?.type === 'return_statement'
    ? cons
    : cons?.type === 'compound_statement'
      ? cons.namedChildren.filter((c) => c.type !== 'comment').at(-1)
      : null;
}
