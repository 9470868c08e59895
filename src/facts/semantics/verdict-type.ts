// The outcome of running an index finding through a semantics model.
//   confirmed       the model reaches an out-of-bounds access, with a witness
//   warn-reachable  in range, but a WARN in the model is reachable
//   refuted         a guard stops every out-of-range value
//   unconfirmed     no model covers the access, or the budget ran out
export type Verdict = 'confirmed' | 'warn-reachable' | 'refuted' | 'unconfirmed';
