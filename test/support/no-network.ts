// Unit tests run with no real network: any socket connection fails the test that opened it.
import net from 'node:net';

const blocked = (): never => {
  throw new Error('Unit tests must not open network connections; use an integration test instead.');
};

beforeAll(() => {
  jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(blocked);
});

afterAll(() => {
  jest.restoreAllMocks();
});
