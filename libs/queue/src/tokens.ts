/** The process's QueueKit (provided by PlatformModule, global). */
export const QUEUE_KIT = Symbol('QUEUE_KIT');
