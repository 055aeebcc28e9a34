import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface VaultKeysProps {
  /** Prefix of the key aliases, e.g. `khoso-dev`. */
  namePrefix: string;
  /** RETAIN keeps the keys when the stack goes; DESTROY schedules their deletion. */
  removalPolicy: RemovalPolicy;
}

/**
 * The vault's KMS keys: a symmetric data key for objects at rest, an asymmetric key whose
 * private half never leaves KMS, for the agency seal, and a symmetric key that seals units'
 * webhook secrets (its own, so only the two webhook functions' grants reach it).
 */
export class VaultKeys extends Construct {
  readonly dataKey: Key;
  readonly signingKey: Key;
  readonly webhookSecretKey: Key;

  constructor(scope: Construct, id: string, props: VaultKeysProps) {
    super(scope, id);
    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/${props.namePrefix}-data`,
      description: 'khoso: encrypts vault objects at rest',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // P-256 ECDSA is what PAdES/CAdES validators accept everywhere; asymmetric keys cannot rotate.
    this.signingKey = new Key(this, 'SigningKey', {
      alias: `alias/${props.namePrefix}-seal`,
      description: 'khoso: the agency seal (signs document digests)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(30),
    });
    this.webhookSecretKey = new Key(this, 'WebhookSecretKey', {
      alias: `alias/${props.namePrefix}-webhook-secrets`,
      description: "khoso: seals units' webhook signing secrets (encryption context: webhook id and unit)",
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(30),
    });
  }
}
