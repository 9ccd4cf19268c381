export * from './types';
export * from './config';
export * from './client';
