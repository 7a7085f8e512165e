-- A long-lived pandoc worker: one JSON request per line on stdin, one JSON
-- answer per line on stdout. Paying pandoc's start-up once per run (instead of
-- once per document or segment) is what keeps the pipeline fast.

local json = pandoc.json

-- A footnote of one paragraph is shown to translators inline (^[...]), next to
-- the words it belongs to; longer notes keep pandoc's [^1] form.
local function inline_notes(inlines)
  return pandoc.Inlines(inlines):walk {
    Note = function (note)
      local blocks = note.content
      if #blocks == 1 and (blocks[1].t == 'Para' or blocks[1].t == 'Plain') then
        local inner = pandoc.write(pandoc.Pandoc { pandoc.Plain(blocks[1].content) },
          'markdown-smart', { wrap_text = 'none' })
        return pandoc.RawInline('markdown', '^[' .. inner:gsub('\n+$', '') .. ']')
      end
    end,
  }
end

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
function ops.markdown(req)
  local doc = pandoc.read(req.doc, 'json')
  local texts = {}
  for i, block in ipairs(doc.blocks) do
    local out = pandoc.write(pandoc.Pandoc { pandoc.Plain(inline_notes(block.content)) },
      'markdown-smart', { wrap_text = 'none' })
    texts[i] = out:gsub('\n+$', '')
  end
  return { texts = texts }
end

-- A JSON document -> text in another format, or a binary file at req.path.
function ops.write(req)
  local doc = pandoc.read(req.doc, 'json')
  local opts = req.options or {}
  if req.template then
    opts.template = pandoc.template.compile(req.template)
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
