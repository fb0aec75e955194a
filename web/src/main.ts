import './styles.css';
import { start } from './app.ts';

const root = document.getElementById('app');
if (!root) {
  throw new Error('index.html has no #app element');
}

void start(root);
