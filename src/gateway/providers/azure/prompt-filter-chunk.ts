// Azure opens a stream with a chunk of the prompt's content-filter results whose `object` (and id and model) are
// empty strings; OpenAI's chunk schema requires `object: "chat.completion.chunk"`, and strict clients refuse the
// chunk. It is passed on with that field set, its filter results untouched.

const EMPTY_OBJECT = '"object":""';

export function repairPromptFilterChunk(data: string): string {
  if (!data.includes(EMPTY_OBJECT) || !data.includes('"prompt_filter_results"')) return data;
  const chunk = JSON.parse(data) as Record<string, unknown>;
  if (chunk.object !== '') return data;
  return JSON.stringify({ ...chunk, object: 'chat.completion.chunk' });
}
