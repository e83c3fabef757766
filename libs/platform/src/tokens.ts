export { QUEUE_KIT } from '@remedy/queue';
