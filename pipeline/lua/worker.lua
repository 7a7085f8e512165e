-- A long-lived pandoc worker: one JSON request per line on stdin, one JSON
-- answer per line on stdout. Paying pandoc's start-up once per run (instead of
-- once per document or segment) is what keeps the pipeline fast.

local json = pandoc.json

-- A footnote of one paragraph is shown to translators inline (^[...]), next to
-- the words it belongs to; longer notes keep pandoc's [^1] form.
local inline_notes = {
  Note = function (note)
    local blocks = note.content
    if #blocks == 1 and (blocks[1].t == 'Para' or blocks[1].t == 'Plain') then
      local inner = pandoc.write(pandoc.Pandoc { pandoc.Plain(blocks[1].content) },
        'markdown-smart', { wrap_text = 'none' })
      return pandoc.RawInline('markdown', '^[' .. inner:gsub('\n+$', '') .. ']')
    end
  end,
}

local ops = {}

-- Markdown texts -> pandoc JSON documents.
function ops.read(req)
  local docs = {}
  for i, text in ipairs(req.texts) do
    docs[i] = pandoc.write(pandoc.read(text, req.format or 'markdown'), 'json')
  end
  return { docs = docs }
end

-- A file (Word, HTML, Markdown…) -> pandoc JSON document. Binary formats such as
-- docx cannot travel in JSON, so pandoc opens the file itself.
function ops.read_file(req)
  local f = assert(io.open(req.path, 'rb'))
  local content = f:read('a')
  f:close()
  return { doc = pandoc.write(pandoc.read(content, req.format), 'json') }
end

-- A JSON document whose blocks are one Plain per segment -> Markdown per segment.
-- All segments are written in one pass, separated by a raw marker line (one
-- pandoc.write per segment costs milliseconds each); a segment with a long
-- footnote (`req.alone`), whose definition pandoc puts at the end of the
-- document, is written on its own. Only the segments with footnotes
-- (`req.notes`) are walked: a walk of the whole document costs more than
-- writing it.
function ops.markdown(req)
  local segments = pandoc.read(req.doc, 'json').blocks
  for _, i in ipairs(req.notes or {}) do segments[i] = segments[i]:walk(inline_notes) end
  local mark = '<!--segment-' .. req.marker .. '-->'
  local alone = {}
  for _, i in ipairs(req.alone or {}) do alone[i] = true end
  local blocks = {}
  for i, block in ipairs(segments) do
    if not alone[i] then blocks[#blocks + 1] = block end
    blocks[#blocks + 1] = pandoc.RawBlock('markdown', mark)
  end
  local function markdown(blocks)
    return pandoc.write(pandoc.Pandoc(blocks), 'markdown-smart', { wrap_text = 'none' })
  end
  local out = markdown(blocks)
  local texts, i, start = {}, 1, 1
  while true do
    local s, e = out:find(mark, start, true)
    if not s then break end
    local text = alone[i] and markdown { segments[i] } or out:sub(start, s - 1)
    texts[i] = text:gsub('^\n+', ''):gsub('\n+$', '')
    i, start = i + 1, e + 1
  end
  return { texts = texts }
end

-- A JSON document -> text in another format, or a binary file at req.path.
local templates = {}  -- compiled once per template text, not once per document

local function write(req)
  local doc = pandoc.read(req.doc, 'json')
  local opts = req.options or {}
  if req.template then
    local compiled = templates[req.template]
    if not compiled then
      compiled = pandoc.template.compile(req.template)
      templates[req.template] = compiled
    end
    opts.template = compiled
  end
  local out = pandoc.write(doc, req.format, opts)
  if req.path then
    local f = assert(io.open(req.path, 'wb'))
    f:write(out)
    f:close()
    return { path = req.path }
  end
  return { text = out }
end

ops.write = write

-- Several writes in one request (the formats of one document): one round trip,
-- and a failure of one output is its own answer, not the others'.
function ops.write_many(req)
  local results = {}
  for i, one in ipairs(req.requests) do
    local ok, answer = pcall(write, one)
    results[i] = ok and answer or { error = tostring(answer) }
  end
  return { results = results }
end

while true do
  local line = io.read('l')
  if not line then break end
  local ok, answer = pcall(function ()
    local req = json.decode(line, false)
    local op = ops[req.op]
    if not op then error('unknown op ' .. tostring(req.op)) end
    return op(req)
  end)
  if ok then
    answer.ok = true
  else
    answer = { ok = false, error = tostring(answer) }
  end
  io.write(json.encode(answer), '\n')
  io.stdout:flush()
end
