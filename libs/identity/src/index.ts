export * from './accounts/ports';
export * from './pages';
