// `npm run create-client -- --name NAME --scopes "A B" ...`: onboards a client (same as `clients create`).
import { runProcess } from './lib/clients/cli';

runProcess('create-client');
