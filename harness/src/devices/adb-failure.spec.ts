import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAdbFailure } from './adb-failure.js';
import { isInfrastructureFailure } from '../../../scenarios/ui/support/failure-class.ts';

test('adb\'s words for a missing device and a lost link mean DEVICE_GONE; anything else is an ADB_ERROR', () => {
  for (const gone of ["device '127.0.0.1:5555' not found", 'device offline', 'device unauthorized.', 'error: no devices/emulators found',
    'Failure: device not found', 'read ECONNRESET', 'write EPIPE', 'connect ECONNREFUSED 127.0.0.1:40000', 'socket hang up', 'Connection closed']) {
    assert.equal(classifyAdbFailure(gone), 'DEVICE_GONE', gone);
  }
  for (const other of ["ENOENT, no such file or directory '/sdcard/x'", 'remote object \'/sdcard/x\' not found', 'Failure [INSTALL_FAILED_INSUFFICIENT_STORAGE]']) {
    assert.equal(classifyAdbFailure(other), 'ADB_ERROR', other);
  }
});

test('the UI specs retry on the same missing-device words the harness classifies', () => {
  assert.equal(isInfrastructureFailure(new Error("device 'emulator-5554' not found")), true);
  assert.equal(isInfrastructureFailure(new Error('error: device unauthorized.')), true);
  assert.equal(isInfrastructureFailure(new Error('expected the card outline, found none')), false);
});
