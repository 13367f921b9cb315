/** Pure rules shared by the cloud functions and the mini-program: no I/O. */
export * from './age';
export * from './diagnosis';
export * from './errorCodes';
export * from './idNumber';
export * from './mask';
export * from './money';
export * from './policy';
export * from './provinces';
export * from './region';
export * from './relationship';
export * from './notices';
export * from './payability';
export * from './undertaking';
export * from './regionNames';
export * from './quota';
