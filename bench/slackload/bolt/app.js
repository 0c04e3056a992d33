// The Bolt for JS phase of bench/slackload: the same signed Events API
// callbacks as serve gets, answered by Bolt's HTTP receiver, which checks
// the signature and acknowledges every event before its listeners run.
// Its one listener does nothing, so this is Bolt's ack() alone, in memory.
//
// Environment: SLACK_SIGNING_SECRET, PORT (on 127.0.0.1). It prints
// "ready" once it listens. Nothing here reaches the network: the bot's
// ids are given, so Bolt never calls auth.test, and its Web API client
// points at a closed local port.
'use strict';

const { App, LogLevel } = require('@slack/bolt');

const port = Number(process.env.PORT);
if (!process.env.SLACK_SIGNING_SECRET || !Number.isInteger(port) || port <= 0) {
  console.error('bolt app: set SLACK_SIGNING_SECRET and PORT');
  process.exit(2);
}

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  token: 'xoxb-bench',
  botId: 'BBOLT',
  botUserId: 'UBOLT',
  tokenVerificationEnabled: false,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' },
});

app.message(async () => {});

app.error(async (err) => {
  console.error('bolt app:', err && err.message ? err.message : err);
});

(async () => {
  await app.start({ port, host: '127.0.0.1' });
  console.log('ready');
})().catch((err) => {
  console.error('bolt app: start:', err && err.message ? err.message : err);
  process.exit(1);
});
