-- A long-lived pandoc worker: one JSON request per line on stdin, one JSON
-- answer per line on stdout. Paying pandoc's start-up once per run (instead of
-- once per document or segment) is what keeps the pipeline fast.

local json = pandoc.json

-- A footnote of one paragraph is shown to translators inline (^[...]), next to
-- the words it belongs to; longer notes keep pandoc's [^1] form.
local function short(note)
  local blocks = note.content
  return #blocks == 1 and (blocks[1].t == 'Para' or blocks[1].t == 'Plain')
end

local inline_notes = {
  Note = function (note)
    if short(note) then
      local inner = pandoc.write(pandoc.Pandoc { pandoc.Plain(note.content[1].content) },
        'markdown-smart', { wrap_text = 'none' })
      return pandoc.RawInline('markdown', '^[' .. inner:gsub('\n+$', '') .. ']')
    end
  end,
}

-- Which segments (Para or Plain blocks) have footnotes: the index of each in
-- `notes`, and alone[i] true where one of them (or a note in it) is long. One
-- walk of them all: the notes themselves are not walked into, so the blocks
-- seen are the segments, in order.
local function footnotes(segments)
  local notes, alone, i = {}, {}, 0
  local function long(note)
    local found = not short(note)
    note.content:walk { Note = function (inner) found = found or not short(inner) end }
    return found
  end
  local function segment() i = i + 1 end
  pandoc.Blocks(segments):walk {
    traverse = 'topdown',
    Para = segment,
    Plain = segment,
    Note = function (note)
      if notes[#notes] ~= i then notes[#notes + 1] = i end
      alone[i] = alone[i] or long(note)
      return nil, false
    end,
  }
  return notes, alone
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

-- Segments (one Para or Plain block each) -> Markdown per segment.
-- All segments are written in one pass, separated by a raw marker line (one
-- pandoc.write per segment costs milliseconds each); a segment with a long
-- footnote, whose definition pandoc puts at the end of the document, is written
-- on its own. Only the segments with footnotes are walked to write them inline:
-- a walk of each costs more than writing them.
local function segment_texts(segments, marker, without_notes)
  local notes, alone = {}, {}
  if not without_notes then notes, alone = footnotes(segments) end
  for _, i in ipairs(notes) do segments[i] = segments[i]:walk(inline_notes) end
  local mark = '<!--segment-' .. marker .. '-->'
  local blocks = {}
  for i, block in ipairs(segments) do
    if not alone[i] then blocks[#blocks + 1] = block end
    blocks[#blocks + 1] = pandoc.RawBlock('markdown', mark)
  end
  local function markdown(blocks)
    return pandoc.write(pandoc.Pandoc(blocks), 'markdown-smart', { wrap_text = 'none' })
  end
  local out = markdown(blocks)
  local texts, i, start = pandoc.List {}, 1, 1  -- (a List: [] in JSON even when empty)
  while true do
    local s, e = out:find(mark, start, true)
    if not s then break end
    local text = alone[i] and markdown { segments[i] } or out:sub(start, s - 1)
    texts[i] = text:gsub('^\n+', ''):gsub('\n+$', '')
    i, start = i + 1, e + 1
  end
  return texts
end

-- A JSON document whose blocks are one Plain per segment -> Markdown per segment.
function ops.markdown(req)
  return { texts = segment_texts(pandoc.read(req.doc, 'json').blocks, req.marker) }
end

-- Inlines as pandoc's Markdown writer gives them back: attribute-less spans (an
-- editor's bare <span>...</span>) unwrapped, the spaces at the edges of
-- emphasis moved outside it ("*a *b" is written "*a* b"), and an emphasis (or
-- strong emphasis) directly inside one of its kind unwrapped ("*a _b_*" is
-- written "*a *b**", which reads back otherwise; in italics either way). A walk
-- is bottom-up: an element's content is already done when the element is.
local function is_space(el) return el.t == 'Space' or el.t == 'SoftBreak' end

local function spaces_outside(el)
  local content = el.content
  local first, last = 1, #content
  while first <= last and is_space(content[first]) do first = first + 1 end
  while last >= first and is_space(content[last]) do last = last - 1 end
  if first == 1 and last == #content then return nil end
  local out, inner = {}, {}
  if first > 1 then out[1] = content[1] end
  for i = first, last do inner[#inner + 1] = content[i] end
  if #inner > 0 then
    el.content = inner
    out[#out + 1] = el
  end
  if last < #content then out[#out + 1] = content[last + 1] end
  return out
end

local function unwrap_same(el)
  local flat, found = {}, false
  for _, c in ipairs(el.content) do
    if c.t == el.t then
      found = true
      for _, inner in ipairs(c.content) do flat[#flat + 1] = inner end
    else
      flat[#flat + 1] = c
    end
  end
  if found then el.content = flat end
  return found
end

local as_written = {
  Span = function (span)
    if span.identifier == '' and #span.classes == 0 and #span.attributes == 0 then
      return span.content
    end
  end,
}
for _, t in ipairs { 'Emph', 'Strong', 'Underline', 'Strikeout', 'Superscript', 'Subscript', 'SmallCaps' } do
  as_written[t] = spaces_outside
end
-- The same, unwrapping an emphasis in one of its kind too: only for a document
-- that has one (looking into every emphasis's content costs).
local as_written_unnested = {}
for t, f in pairs(as_written) do as_written_unnested[t] = f end
for _, t in ipairs { 'Emph', 'Strong' } do
  as_written_unnested[t] = function (el)
    local unwrapped = unwrap_same(el)
    return spaces_outside(el) or (unwrapped and el or nil)
  end
end

-- Every translatable inline list of a block list, in document order, each
-- appended to `out` as a block of its own (a footnote's blocks are part of the
-- inlines it is in): the same walk as segment.slots. A Para or Plain is taken
-- as it is (a new Plain of its inlines costs more than writing them); its
-- Markdown is the same but for the blank line after it.
local function slots(blocks, out)
  for _, block in ipairs(blocks) do
    local t = block.t
    if t == 'Para' or t == 'Plain' then
      out[#out + 1] = block
    elseif t == 'Header' then
      out[#out + 1] = pandoc.Plain(block.content)
    elseif t == 'LineBlock' then
      for _, line in ipairs(block.content) do out[#out + 1] = pandoc.Plain(line) end
    elseif t == 'BlockQuote' or t == 'Div' then
      slots(block.content, out)
    elseif t == 'OrderedList' or t == 'BulletList' then
      for _, item in ipairs(block.content) do slots(item, out) end
    elseif t == 'DefinitionList' then
      for _, item in ipairs(block.content) do
        out[#out + 1] = pandoc.Plain(item[1])
        for _, definition in ipairs(item[2]) do slots(definition, out) end
      end
    elseif t == 'Figure' then
      slots(block.caption.long, out)
      slots(block.content, out)
    elseif t == 'Table' then
      slots(block.caption.long, out)
      local rows = {}
      for _, row in ipairs(block.head.rows) do rows[#rows + 1] = row end
      for _, body in ipairs(block.bodies) do
        for _, row in ipairs(body.head) do rows[#rows + 1] = row end
        for _, row in ipairs(body.body) do rows[#rows + 1] = row end
      end
      for _, row in ipairs(block.foot.rows) do rows[#rows + 1] = row end
      for _, row in ipairs(rows) do
        for _, cell in ipairs(row.cells) do slots(cell.contents, out) end
      end
    end
  end
  return out
end

-- What as_written could change shows in a document's JSON: a bare span, an
-- inline list that starts or ends with a space, or an emphasis holding one of its
-- kind. Most documents have none: they are not walked (a walk marshals every
-- element it passes to Lua and back). (%b[] counts a bracket inside a text too:
-- one that closes an emphasis's content early can hide what follows in it.)
local could_change = {
  '{"t":"Span","c":[["",[],[]],', '"c":[{"t":"Space"}', '"c":[{"t":"SoftBreak"}',
  '{"t":"Space"}]', '{"t":"SoftBreak"}]',
}

local function nests(json)
  for _, t in ipairs { 'Emph', 'Strong' } do
    local open = '{"t":"' .. t .. '"'
    local at = json:find(open, 1, true)
    if at and json:find(open, at + 1, true) then   -- (two of a kind, at least)
      while at do
        local content = json:match('^,"c":(%b[])', at + #open)
        if content and content:find(open, 1, true) then return true end
        at = json:find(open, at + 1, true)
      end
    end
  end
  return false
end

local function as_json_written(doc)
  local out = pandoc.write(doc, 'json')
  local nested = nests(out)
  local change = nested
  for _, pattern in ipairs(could_change) do
    change = change or out:find(pattern, 1, true)
  end
  if change then
    doc = doc:walk(nested and as_written_unnested or as_written)
    return doc, pandoc.write(doc, 'json')
  end
  return doc, out
end

-- Markdown statement bodies -> for each, its pandoc JSON document (inlines as
-- the Markdown writer gives them back) and the Markdown text of each of its
-- slots: reading and writing in one round trip.
function ops.read_bodies(req)
  local docs, texts = {}, {}
  for i, text in ipairs(req.texts) do
    local doc
    doc, docs[i] = as_json_written(pandoc.read(text, req.format))
    -- (a document without notes is not walked to look for them)
    texts[i] = segment_texts(slots(doc.blocks, {}), req.marker, not docs[i]:find('"t":"Note"', 1, true))
    collectgarbage()  -- this document's Lua objects hold its pandoc values: not kept till the next
  end
  return { docs = docs, texts = texts }
end

-- A document -> text in another format, or a binary file at req.path.
local templates = {}  -- compiled once per template text, not once per document

local function write(doc, req)
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

-- A JSON document (req.doc) -> text or file.
function ops.write(req)
  return write(pandoc.read(req.doc, 'json'), req)
end

-- Several writes in one request (the formats of one document): one round trip;
-- each JSON document of req.docs is read once, however many outputs share it
-- (reading one costs ~5 ms); a failure of one output is its own answer, not
-- the others'.
function ops.write_many(req)
  local docs, results = {}, {}
  for i, one in ipairs(req.requests) do
    local ok, answer = pcall(function ()
      docs[one.doc] = docs[one.doc] or pandoc.read(req.docs[one.doc], 'json')
      return write(docs[one.doc], one)
    end)
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
