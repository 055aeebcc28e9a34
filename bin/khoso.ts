#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addKhosoStacks } from '../lib/khoso-app.ts';

// `cdk synth -c stage=prod -c jwtIssuer=… -c jwksUrl=…`; see docs/deployment.md.
addKhosoStacks(new App());
