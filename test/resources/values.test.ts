// Value equality as the definitions' plans see it: maps come back from Terraform (cty) and from
// Pulumi (protobuf Struct) with their keys in another order than they were declared.
import { Unknown } from '../../provider/resources/schema';
import { sameValue } from '../../provider/resources/values';

test('maps are equal whatever the order of their keys, nested ones too', () => {
  expect(sameValue('map(string)', { repository: 'acme/app', job_workflow_ref: 'x' }, { job_workflow_ref: 'x', repository: 'acme/app' })).toBe(true);
  expect(sameValue('map(string)', { a: '1' }, { a: '2' })).toBe(false);
  expect(sameValue('map(string)', { a: '1' }, { a: '1', b: '2' })).toBe(false);
});

test('sets ignore order; lists, strings and unknowns do not compare equal loosely', () => {
  expect(sameValue('set(string)', ['a', 'b'], ['b', 'a'])).toBe(true);
  expect(sameValue('string', 'a', 'a')).toBe(true);
  expect(sameValue('string', Unknown, Unknown)).toBe(false);
});
