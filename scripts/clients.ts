// `npm run clients -- <command>`: client lifecycle (create, list, show, update, disable, enable, rotate-secret, delete).
import { runProcess } from './lib/clients/cli';

runProcess('clients');
