export * from './model.js';
export * from './store/index.js';
export * from './compare/index.js';
export * from './params.js';
