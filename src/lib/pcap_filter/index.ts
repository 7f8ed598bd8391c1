// pcap-filter(7) expressions compiled to classic BPF (libpcap's pcap_compile for Ethernet).
export { pcapCompile } from './compile.js';
export { tokenize, type Token } from './lexer.js';
export { Parser } from './parser.js';
export type { Pred, Arith } from './pred.js';
