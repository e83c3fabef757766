export const QUEUE_KIT = Symbol('QUEUE_KIT');
