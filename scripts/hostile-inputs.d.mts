// Types of scripts/hostile-inputs.mjs for the TypeScript tests that share it.
export interface HostileInput {
  name: string;
  text: string;
  expect: 'review' | 'rejected' | 'partial';
}
export interface MailOptions {
  subject?: string;
  messageId?: string;
  headers?: string;
  name?: string;
  params?: string;
}
export function mail(diff: string, opts?: MailOptions): string;
export function newFileDiff(path: string, lines: string[], start?: number): string;
export function kfuncFile(body: string[], opts?: MailOptions): string[];
export function kfuncPatch(body: string[], opts?: MailOptions): string;
export function hostileInputs(): HostileInput[];
export function bigMbox(bytes: number): string;
export function prng(seed: number): () => number;
export function mutate(text: string, rnd: () => number): string;
