import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasUserinfo, redactUri } from './redact-uri.js';

test('redactUri masks or drops the userinfo and leaves the rest of the URI as it was', () => {
  assert.equal(redactUri('http://user:s3cret@mlflow.internal:5000/path?q=1'), 'http://user:***@mlflow.internal:5000/path?q=1');
  assert.equal(redactUri('https://tok3n@host'), 'https://***@host');
  assert.equal(redactUri('http://user:p@ss@host/'), 'http://user:***@host/', 'a password with an unescaped @');
  assert.equal(redactUri('s3://AKIA:secret@bucket/key'), 's3://AKIA:***@bucket/key');
  assert.equal(redactUri('http://user:s3cret@host:5000', 'drop'), 'http://host:5000');
  assert.equal(redactUri('http://127.0.0.1:5000/a@b'), 'http://127.0.0.1:5000/a@b', 'an @ in the path is not userinfo');
  assert.equal(redactUri('not a uri user:pw@host'), 'not a uri user:pw@host');
  assert.equal(hasUserinfo('http://u:p@h'), true);
  assert.equal(hasUserinfo('http://h'), false);
});
