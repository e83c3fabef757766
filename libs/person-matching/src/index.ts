export * from './person';
export * from './normalise';
export * from './tokens';
export * from './clk';
export * from './synthetic';
