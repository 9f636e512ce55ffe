// Drives the gateway with the official OpenAI Node client (npm package
// "openai", installed under .deps/node by `make setup`): the model list,
// one non-streamed and one streamed chat completion with usage, and a
// wrong key; prints what it saw as JSON for test_gateway_openai.sh.
//   node openai_chat.mjs <node_modules dir> <baseURL> <apiKey>
import { pathToFileURL } from "node:url";

const [modules, baseURL, apiKey] = process.argv.slice(2);
const { default: OpenAI } = await import(
  pathToFileURL(`${modules}/openai/index.mjs`).href
);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
const messages = [{ role: "user", content: "hi" }];
const out = {};

const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const done = await client.chat.completions.create({ model: "openclaw", messages });
out.text = done.choices[0].message.content;
out.finish = done.choices[0].finish_reason;
out.usage = done.usage;
out.id = done.id;

const stream = await client.chat.completions.create({
  model: "openclaw/main",
  messages,
  stream: true,
  stream_options: { include_usage: true },
});
out.streamed = "";
const ids = new Set();
for await (const chunk of stream) {
  ids.add(chunk.id);
  if (chunk.choices.length && chunk.choices[0].delta.content)
    out.streamed += chunk.choices[0].delta.content;
  if (chunk.choices.length && chunk.choices[0].finish_reason)
    out.stream_finish = chunk.choices[0].finish_reason;
  if (chunk.usage) out.stream_usage = chunk.usage;
}
out.stream_ids = [...ids];

try {
  await new OpenAI({ baseURL, apiKey: "wrong", maxRetries: 0 }).models.list();
  out.wrong_key = "accepted";
} catch (e) {
  out.wrong_key = e.status;
}
console.log(JSON.stringify(out));
