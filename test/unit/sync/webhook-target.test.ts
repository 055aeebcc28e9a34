import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkWebhookTarget,
  classifyAddress,
  deployedWebhookTargets,
  type HostResolver,
} from '../../../functions/sync/core/webhook-target.ts';
import { WebhookTargetRefusedError } from '../../../functions/platform/core/errors.ts';

describe('address classes', () => {
  test('IPv4: loopback, private, link-local, metadata, CGNAT, reserved', () => {
    assert.equal(classifyAddress('127.0.0.1'), 'loopback');
    assert.equal(classifyAddress('127.255.0.9'), 'loopback');
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '169.254.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '192.0.2.5',
    ]) {
      assert.equal(classifyAddress(address), 'private', address);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '14.225.1.2', '100.128.0.1']) {
      assert.equal(classifyAddress(address), 'public', address);
    }
  });

  test('IPv6, IPv4-mapped and IPv4-compatible forms', () => {
    assert.equal(classifyAddress('::1'), 'loopback');
    assert.equal(classifyAddress('0:0:0:0:0:0:0:1'), 'loopback');
    assert.equal(classifyAddress('::'), 'private');
    assert.equal(classifyAddress('fe80::1'), 'private');
    assert.equal(classifyAddress('fd00:ec2::254'), 'private'); // the metadata service over IPv6
    assert.equal(classifyAddress('fc00::1'), 'private');
    assert.equal(classifyAddress('ff02::1'), 'private');
    assert.equal(classifyAddress('2001:db8::1'), 'private');
    assert.equal(classifyAddress('::ffff:127.0.0.1'), 'loopback');
    assert.equal(classifyAddress('::ffff:169.254.169.254'), 'private');
    assert.equal(classifyAddress('::ffff:a9fe:a9fe'), 'private'); // the same, in hex
    assert.equal(classifyAddress('::ffff:10.0.0.1'), 'private');
    assert.equal(classifyAddress('::10.0.0.1'), 'private');
    assert.equal(classifyAddress('64:ff9b::a00:1'), 'private'); // NAT64 of 10.0.0.1
    assert.equal(classifyAddress('2002:a00:1::1'), 'private'); // 6to4 of 10.0.0.1
    assert.equal(classifyAddress('::ffff:8.8.8.8'), 'public');
    assert.equal(classifyAddress('2404:6800:4005::200e'), 'public');
    assert.equal(classifyAddress('not an address'), 'private');
  });
});

describe('webhook URL checks', () => {
  const resolver =
    (table: Record<string, string[]>): HostResolver =>
    async (host) => {
      const found = table[host];
      if (!found) throw new Error('ENOTFOUND');
      return found;
    };
  const resolve = resolver({
    'receiver.example.vn': ['14.225.1.2', '2404:6800:4005::200e'],
    'sneaky.example.vn': ['14.225.1.2', '10.0.0.7'],
    'rebind.example.vn': ['::ffff:169.254.169.254'],
  });
  const refused = (url: string) =>
    assert.rejects(checkWebhookTarget(url, deployedWebhookTargets, resolve), WebhookTargetRefusedError, url);

  test('a public HTTPS host is accepted, with the addresses it was checked on', async () => {
    const target = await checkWebhookTarget('https://receiver.example.vn/hook', deployedWebhookTargets, resolve);
    assert.equal(target.url.hostname, 'receiver.example.vn');
    assert.deepEqual(target.addresses, ['14.225.1.2', '2404:6800:4005::200e']);
  });

  test('deployed stages refuse http, credentials, literal private addresses and names resolving to one', async () => {
    await refused('http://receiver.example.vn/hook');
    await refused('https://user:pw@receiver.example.vn/hook');
    await refused('https://127.0.0.1/hook');
    await refused('https://169.254.169.254/latest/meta-data');
    await refused('https://10.0.0.1/hook');
    await refused('https://[::1]/hook');
    await refused('https://[::ffff:127.0.0.1]/hook');
    await refused('https://sneaky.example.vn/hook'); // one private address among public ones is enough
    await refused('https://rebind.example.vn/hook');
    await refused('https://unknown.example.vn/hook');
    await refused('ftp://receiver.example.vn/hook');
    await refused('not a url');
  });

  test('the embedded runtime may allow loopback over http, still not private addresses', async () => {
    const local = { requireHttps: false, allowLoopback: true };
    await checkWebhookTarget('http://127.0.0.1:8080/hook', local, resolve);
    assert.deepEqual((await checkWebhookTarget('http://[::1]:8080/hook', local, resolve)).addresses, ['::1']);
    await assert.rejects(checkWebhookTarget('http://10.0.0.1/hook', local, resolve), WebhookTargetRefusedError);
  });
});
