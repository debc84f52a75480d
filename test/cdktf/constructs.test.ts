// The construct assertions (constructs-suite.ts) on cdktf with constructs/ and examples/cdktf-gitops.
import * as cdktf from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import * as warden from '../../constructs';
import * as gitops from '../../examples/cdktf-gitops/stack';
import { describeConstructs } from './constructs-suite';

cdktf.Testing.setupJest();

describeConstructs({ lib: cdktf, warden, example: { ...gitops, dir: 'examples/cdktf-gitops' } });
