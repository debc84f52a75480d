import { App } from 'cdktn';
import { GitopsStack } from './stack';

const app = new App();
new GitopsStack(app, 'warden');
app.synth();
