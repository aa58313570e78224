-- Hugging Face model cards (README.md with YAML front matter), as Steward
-- reads them (docs/model-card.md, "Hugging Face cards"):
--
--   format    "markdown"
--   metadata  the front matter: license, language, datasets, base_model, tags, pipeline_tag, ...
--   text      the prose before the first heading
--   sections  the headings as a tree: { title, level, line, text, tables, sections }
--   results   model-index, one entry per metric: { model, task, dataset, split, metric, value, source, ... }
--
-- Each check encodes one piece of published guidance, cited beside it:
--   [HF]  Hugging Face, "Model Cards" and the annotated model card template
--         (huggingface.co/docs/hub/model-cards, modelcard_template.md)
--   [M]   Mitchell et al., "Model Cards for Model Reporting", FAT* 2019 (sections 1-9)
-- Playbooks/hf-model-card.yaml runs them.
local p = steward.plugin{
  name = "hf-model-card",
  version = "0.1.0",
  description = "Hugging Face model cards: licence, languages, datasets, evaluation results, "
    .. "the template's sections filled in, base model of a fine-tune, prose that agrees with model-index.",
}

local get = steward.get
local format, lower, find, gmatch, gsub = string.format, string.lower, string.find, string.gmatch, string.gsub
local concat = table.concat
local abs, tonumber, tostring, type, ipairs, pairs = math.abs, tonumber, tostring, type, ipairs, pairs

local function result(status, at, message, evidence)
  return { status = status, at = at, message = message, evidence = evidence }
end

local function text(v)
  return type(v) == "string" and find(v, "%S") ~= nil
end

-- A front-matter field that may be one string or a list of them, as a list
-- of its non-blank strings (the Hub accepts both forms for license,
-- language, datasets and base_model).
local function strings(v)
  if text(v) then return { v } end
  local out = {}
  if type(v) == "table" then
    for _, s in ipairs(v) do
      if text(s) then out[#out + 1] = s end
    end
  end
  return out
end

local function set(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

---------------------------------------------------------------------------
-- Licence
---------------------------------------------------------------------------

-- The Hub's licence identifiers (hub-docs, docs/hub/repositories-licenses.md,
-- plus the Llama 3 licences huggingface.js added since).
local HUB_LICENSES = set{
  "apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m",
  "bigscience-bloom-rail-1.0", "bigcode-openrail-m", "afl-3.0", "artistic-2.0", "bsl-1.0", "bsd",
  "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "c-uda", "cc", "cc0-1.0", "cc-by-2.0",
  "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "cc-by-sa-3.0", "cc-by-sa-4.0", "cc-by-nc-2.0",
  "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0", "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0",
  "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0", "cdla-sharing-1.0",
  "cdla-permissive-1.0", "cdla-permissive-2.0", "wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0",
  "etalab-2.0", "eupl-1.1", "agpl-3.0", "gfdl", "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1",
  "lgpl-3.0", "isc", "lppl-1.3c", "ms-pl", "mpl-2.0", "odc-by", "odbl", "openrail++", "osl-3.0",
  "postgresql", "ofl-1.1", "ncsa", "unlicense", "zlib", "pddl", "lgpl-lr", "deepfloyd-if-license",
  "llama2", "llama3", "llama3.1", "llama3.2", "gemma", "other",
}

-- SPDX License List 3.27.0, the identifiers not deprecated, lower-cased
-- (SPDX ids match case-insensitively).
local SPDX = {}
for id in gmatch([[
0bsd 3d-slicer-1.0 aal abstyles adacore-doc adobe-2006 adobe-display-postscript adobe-glyph
adobe-utopia adsl afl-1.1 afl-1.2 afl-2.0 afl-2.1 afl-3.0 afmparse agpl-1.0-only
agpl-1.0-or-later agpl-3.0-only agpl-3.0-or-later aladdin amd-newlib amdplpa aml aml-glslang
ampas antlr-pd antlr-pd-fallback any-osi any-osi-perl-modules apache-1.0 apache-1.1 apache-2.0
apafml apl-1.0 app-s2p apsl-1.0 apsl-1.1 apsl-1.2 apsl-2.0 arphic-1999 artistic-1.0
artistic-1.0-cl8 artistic-1.0-perl artistic-2.0 artistic-dist aspell-ru aswf-digital-assets-1.0
aswf-digital-assets-1.1 baekmuk bahyph barr bcrypt-solar-designer beerware bitstream-charter
bitstream-vera bittorrent-1.0 bittorrent-1.1 blessing blueoak-1.0.0 boehm-gc
boehm-gc-without-fee borceux brian-gladman-2-clause brian-gladman-3-clause bsd-1-clause
bsd-2-clause bsd-2-clause-darwin bsd-2-clause-first-lines bsd-2-clause-patent
bsd-2-clause-pkgconf-disclaimer bsd-2-clause-views bsd-3-clause bsd-3-clause-acpica
bsd-3-clause-attribution bsd-3-clause-clear bsd-3-clause-flex bsd-3-clause-hp bsd-3-clause-lbnl
bsd-3-clause-modification bsd-3-clause-no-military-license bsd-3-clause-no-nuclear-license
bsd-3-clause-no-nuclear-license-2014 bsd-3-clause-no-nuclear-warranty bsd-3-clause-open-mpi
bsd-3-clause-sun bsd-4-clause bsd-4-clause-shortened bsd-4-clause-uc bsd-4.3reno bsd-4.3tahoe
bsd-advertising-acknowledgement bsd-attribution-hpnd-disclaimer bsd-inferno-nettverk
bsd-protection bsd-source-beginning-file bsd-source-code bsd-systemics bsd-systemics-w3works
bsl-1.0 busl-1.1 bzip2-1.0.6 c-uda-1.0 cal-1.0 cal-1.0-combined-work-exception caldera
caldera-no-preamble catharon catosl-1.1 cc-by-1.0 cc-by-2.0 cc-by-2.5 cc-by-2.5-au cc-by-3.0
cc-by-3.0-at cc-by-3.0-au cc-by-3.0-de cc-by-3.0-igo cc-by-3.0-nl cc-by-3.0-us cc-by-4.0
cc-by-nc-1.0 cc-by-nc-2.0 cc-by-nc-2.5 cc-by-nc-3.0 cc-by-nc-3.0-de cc-by-nc-4.0 cc-by-nc-nd-1.0
cc-by-nc-nd-2.0 cc-by-nc-nd-2.5 cc-by-nc-nd-3.0 cc-by-nc-nd-3.0-de cc-by-nc-nd-3.0-igo
cc-by-nc-nd-4.0 cc-by-nc-sa-1.0 cc-by-nc-sa-2.0 cc-by-nc-sa-2.0-de cc-by-nc-sa-2.0-fr
cc-by-nc-sa-2.0-uk cc-by-nc-sa-2.5 cc-by-nc-sa-3.0 cc-by-nc-sa-3.0-de cc-by-nc-sa-3.0-igo
cc-by-nc-sa-4.0 cc-by-nd-1.0 cc-by-nd-2.0 cc-by-nd-2.5 cc-by-nd-3.0 cc-by-nd-3.0-de cc-by-nd-4.0
cc-by-sa-1.0 cc-by-sa-2.0 cc-by-sa-2.0-uk cc-by-sa-2.1-jp cc-by-sa-2.5 cc-by-sa-3.0
cc-by-sa-3.0-at cc-by-sa-3.0-de cc-by-sa-3.0-igo cc-by-sa-4.0 cc-pddc cc-pdm-1.0 cc-sa-1.0
cc0-1.0 cddl-1.0 cddl-1.1 cdl-1.0 cdla-permissive-1.0 cdla-permissive-2.0 cdla-sharing-1.0
cecill-1.0 cecill-1.1 cecill-2.0 cecill-2.1 cecill-b cecill-c cern-ohl-1.1 cern-ohl-1.2
cern-ohl-p-2.0 cern-ohl-s-2.0 cern-ohl-w-2.0 cfitsio check-cvs checkmk clartistic clips cmu-mach
cmu-mach-nodoc cnri-jython cnri-python cnri-python-gpl-compatible coil-1.0 community-spec-1.0
condor-1.1 copyleft-next-0.3.0 copyleft-next-0.3.1 cornell-lossless-jpeg cpal-1.0 cpl-1.0
cpol-1.02 cronyx crossword cryptoswift crystalstacker cua-opl-1.0 cube curl cve-tou d-fsl-1.0
dec-3-clause diffmark dl-de-by-2.0 dl-de-zero-2.0 doc docbook-dtd docbook-schema
docbook-stylesheet docbook-xml dotseqn drl-1.0 drl-1.1 dsdp dtoa dvipdfm ecl-1.0 ecl-2.0 efl-1.0
efl-2.0 egenix elastic-2.0 entessa epics epl-1.0 epl-2.0 erlpl-1.1 etalab-2.0 eudatagrid
eupl-1.0 eupl-1.1 eupl-1.2 eurosym fair fbm fdk-aac ferguson-twofish frameworx-1.0 freebsd-doc
freeimage fsfap fsfap-no-warranty-disclaimer fsful fsfullr fsfullrsd fsfullrwd fsl-1.1-alv2
fsl-1.1-mit ftl furuseth fwlw game-programming-gems gcr-docs gd generic-xts
gfdl-1.1-invariants-only gfdl-1.1-invariants-or-later gfdl-1.1-no-invariants-only
gfdl-1.1-no-invariants-or-later gfdl-1.1-only gfdl-1.1-or-later gfdl-1.2-invariants-only
gfdl-1.2-invariants-or-later gfdl-1.2-no-invariants-only gfdl-1.2-no-invariants-or-later
gfdl-1.2-only gfdl-1.2-or-later gfdl-1.3-invariants-only gfdl-1.3-invariants-or-later
gfdl-1.3-no-invariants-only gfdl-1.3-no-invariants-or-later gfdl-1.3-only gfdl-1.3-or-later
giftware gl2ps glide glulxe glwtpl gnuplot gpl-1.0-only gpl-1.0-or-later gpl-2.0-only
gpl-2.0-or-later gpl-3.0-only gpl-3.0-or-later graphics-gems gsoap-1.3b gtkbook gutmann
haskellreport hdf5 hdparm hidapi hippocratic-2.1 hp-1986 hp-1989 hpnd hpnd-dec hpnd-doc
hpnd-doc-sell hpnd-export-us hpnd-export-us-acknowledgement hpnd-export-us-modify
hpnd-export2-us hpnd-fenneberg-livingston hpnd-inria-imag hpnd-intel hpnd-kevlin-henney
hpnd-markus-kuhn hpnd-merchantability-variant hpnd-mit-disclaimer hpnd-netrek hpnd-pbmplus
hpnd-sell-mit-disclaimer-xserver hpnd-sell-regexpr hpnd-sell-variant
hpnd-sell-variant-mit-disclaimer hpnd-sell-variant-mit-disclaimer-rev hpnd-uc hpnd-uc-export-us
htmltidy ibm-pibs icu iec-code-components-eula ijg ijg-short imagemagick imatix imlib2 info-zip
inner-net-2.0 innosetup intel intel-acpi interbase-1.0 ipa ipl-1.0 isc isc-veillard jam
jasper-2.0 jove jpl-image jpnic json kastrup kazlib knuth-ctan lal-1.2 lal-1.3 latex2e
latex2e-translated-notice leptonica lgpl-2.0-only lgpl-2.0-or-later lgpl-2.1-only
lgpl-2.1-or-later lgpl-3.0-only lgpl-3.0-or-later lgpllr libpng libpng-1.6.35 libpng-2.0
libselinux-1.0 libtiff libutil-david-nugent liliq-p-1.1 liliq-r-1.1 liliq-rplus-1.1
linux-man-pages-1-para linux-man-pages-copyleft linux-man-pages-copyleft-2-para
linux-man-pages-copyleft-var linux-openib loop lpd-document lpl-1.0 lpl-1.02 lppl-1.0 lppl-1.1
lppl-1.2 lppl-1.3a lppl-1.3c lsof lucida-bitmap-fonts lzma-sdk-9.11-to-9.20 lzma-sdk-9.22
mackerras-3-clause mackerras-3-clause-acknowledgment magaz mailprio makeindex man2html
martin-birgmeier mcphee-slideshow metamail minpack mips miros mit mit-0 mit-advertising
mit-click mit-cmu mit-enna mit-feh mit-festival mit-khronos-old mit-modern-variant
mit-open-group mit-testregex mit-wu mitnfa mmixware motosoto mpeg-ssg mpi-permissive mpich2
mpl-1.0 mpl-1.1 mpl-2.0 mpl-2.0-no-copyleft-exception mplus ms-lpl ms-pl ms-rl mtll mulanpsl-1.0
mulanpsl-2.0 multics mup naist-2003 nasa-1.3 naumen nbpl-1.0 ncbi-pd ncgl-uk-2.0 ncl ncsa netcdf
newsletr ngpl ngrep nicta-1.0 nist-pd nist-pd-fallback nist-software nlod-1.0 nlod-2.0 nlpl
nokia nosl noweb npl-1.0 npl-1.1 nposl-3.0 nrl ntia-pd ntp ntp-0 o-uda-1.0 oar occt-pl oclc-2.0
odbl-1.0 odc-by-1.0 offis ofl-1.0 ofl-1.0-no-rfn ofl-1.0-rfn ofl-1.1 ofl-1.1-no-rfn ofl-1.1-rfn
ogc-1.0 ogdl-taiwan-1.0 ogl-canada-2.0 ogl-uk-1.0 ogl-uk-2.0 ogl-uk-3.0 ogtsl oldap-1.1
oldap-1.2 oldap-1.3 oldap-1.4 oldap-2.0 oldap-2.0.1 oldap-2.1 oldap-2.2 oldap-2.2.1 oldap-2.2.2
oldap-2.3 oldap-2.4 oldap-2.5 oldap-2.6 oldap-2.7 oldap-2.8 olfl-1.3 oml openpbs-2.3 openssl
openssl-standalone openvision opl-1.0 opl-uk-3.0 opubl-1.0 oset-pl-2.1 osl-1.0 osl-1.1 osl-2.0
osl-2.1 osl-3.0 padl parity-6.0.0 parity-7.0.0 pddl-1.0 php-3.0 php-3.01 pixar pkgconf plexus
pnmstitch polyform-noncommercial-1.0.0 polyform-small-business-1.0.0 postgresql ppl psf-2.0
psfrag psutils python-2.0 python-2.0.1 python-ldap qhull qpl-1.0 qpl-1.0-inria-2004 radvd rdisc
rhecos-1.1 rpl-1.1 rpl-1.5 rpsl-1.0 rsa-md rscpl ruby ruby-pty sax-pd sax-pd-2.0 saxpath scea
schemereport sendmail sendmail-8.23 sendmail-open-source-1.1 sgi-b-1.0 sgi-b-1.1 sgi-b-2.0
sgi-opengl sgp4 shl-0.5 shl-0.51 simpl-2.0 sissl sissl-1.2 sl sleepycat smail-gpl smlnj smppl
snia snprintf sofa softsurfer soundex spencer-86 spencer-94 spencer-99 spl-1.0 ssh-keyscan
ssh-openssh ssh-short ssleay-standalone sspl-1.0 sugarcrm-1.1.3 sul-1.0 sun-ppp sun-ppp-2000
sunpro swl swrule symlinks tapr-ohl-1.0 tcl tcp-wrappers termreadkey tgppl-1.0 thirdeye
threeparttable tmate torque-1.1 tosl tpdl tpl-1.0 trustedqsl ttwl ttyp0 tu-berlin-1.0
tu-berlin-2.0 ubuntu-font-1.0 ucar ucl-1.0 ulem umich-merit unicode-3.0 unicode-dfs-2015
unicode-dfs-2016 unicode-tou unixcrypt unlicense unlicense-libtelnet unlicense-libwhirlpool
upl-1.0 urt-rle vim vostrom vsl-1.0 w3c w3c-19980720 w3c-20150513 w3m watcom-1.0 widget-workshop
wsuipa wtfpl wwl x11 x11-distribute-modifications-variant x11-swapped xdebug-1.03 xerox xfig
xfree86-1.1 xinetd xkeyboard-config-zinoviev xlock xnet xpp xskat xzoom ypl-1.0 ypl-1.1 zed
zeeff zend-2.0 zimbra-1.3 zimbra-1.4 zlib zlib-acknowledgement zpl-1.1 zpl-2.0 zpl-2.1
]], "%S+") do SPDX[id] = true end

local function known_license(id)
  local l = lower(id)
  return HUB_LICENSES[l] or SPDX[l]
end

p:check{
  id = "license",
  description = "The card declares a licence that is an SPDX identifier or one of the Hub's licence names; "
    .. "`other` comes with license_name and license_link. [HF: licence metadata; M 1: model details]",
  severity = "high",
  remediation = "Set `license:` in the front matter to an SPDX id or a Hub licence name (apache-2.0, mit, "
    .. "cc-by-4.0, llama2, ...); for `other`, add license_name and license_link.",
  run = function(card)
    local declared = get(card, "metadata.license")
    if declared == nil then
      return result("fail", "metadata", "the card declares no licence")
    end
    local ids = strings(declared)
    if #ids == 0 then
      return result("fail", "metadata.license", "the licence is empty or not a string")
    end
    for _, id in ipairs(ids) do
      if lower(id) == "unknown" then
        return result("fail", "metadata.license", "the licence is \"unknown\": nobody can tell what use is allowed")
      end
      if not known_license(id) then
        return result("fail", "metadata.license",
          format("\"%s\" is neither an SPDX identifier nor a Hub licence name", id), { license = id })
      end
      if lower(id) == "other" and not (text(get(card, "metadata.license_name"))
          and text(get(card, "metadata.license_link"))) then
        return result("fail", "metadata.license",
          "the licence is \"other\" without license_name and license_link to say which")
      end
    end
    return result("pass", "metadata.license", "licence " .. concat(ids, ", "), { license = ids })
  end,
  examples = {
    { subject = { metadata = { license = "apache-2.0" } }, expect = "pass", at = "metadata.license" },
    { subject = { metadata = { license = "MIT" } }, expect = "pass" },
    { subject = { metadata = { license = "Apache-2.0" } }, expect = "pass" },
    { subject = { metadata = { license = "apache 2" } }, expect = "fail", at = "metadata.license" },
    { subject = { metadata = { license = "unknown" } }, expect = "fail", at = "metadata.license" },
    { subject = { metadata = { license = "other" } }, expect = "fail", at = "metadata.license" },
    { subject = { metadata = { license = "other", license_name = "acme", license_link = "LICENSE" } },
      expect = "pass" },
    { subject = { metadata = {} }, expect = "fail", at = "metadata" },
  },
}

---------------------------------------------------------------------------
-- Languages
---------------------------------------------------------------------------

-- Hub pipeline tags whose inputs or outputs are natural-language text.
local TEXT_TASKS = set{
  "text-classification", "token-classification", "table-question-answering", "question-answering",
  "zero-shot-classification", "translation", "summarization", "feature-extraction", "text-generation",
  "text2text-generation", "fill-mask", "sentence-similarity", "text-to-speech", "text-to-audio",
  "automatic-speech-recognition", "conversational", "text-ranking", "text-to-image", "image-to-text",
  "visual-question-answering", "document-question-answering", "image-text-to-text",
}

-- ISO 639-1/2/3 codes, optionally with a region or script (en, fra, zh-Hans, pt_BR),
-- or the Hub's "multilingual".
local function language_code(s)
  return s == "multilingual" or find(s, "^%a%a%a?$") ~= nil or find(s, "^%a%a%a?[-_]%w+$") ~= nil
end

p:check{
  id = "languages",
  description = "A text model declares the languages it was trained and evaluated on, as ISO 639 codes. "
    .. "[HF: language metadata; M 3: factors]",
  severity = "medium",
  remediation = "List the languages under `language:` as ISO 639-1 codes (en, fr, zh), or `multilingual`.",
  run = function(card)
    local task = get(card, "metadata.pipeline_tag")
    if not text(task) then
      return result("skip", "metadata", "no pipeline_tag: whether it is a text model is not declared")
    end
    if not TEXT_TASKS[task] then
      return result("skip", "metadata.pipeline_tag", "\"" .. task .. "\" is not a text task")
    end
    local languages = strings(get(card, "metadata.language"))
    if #languages == 0 then
      return result("fail", get(card, "metadata.language") == nil and "metadata" or "metadata.language",
        "a " .. task .. " model declares no language")
    end
    for _, l in ipairs(languages) do
      if not language_code(l) then
        return result("fail", "metadata.language", "\"" .. l .. "\" is not an ISO 639 language code",
          { language = l })
      end
    end
    return result("pass", "metadata.language", "languages " .. concat(languages, ", "))
  end,
  examples = {
    { subject = { metadata = { pipeline_tag = "fill-mask", language = { "en", "fr" } } }, expect = "pass" },
    { subject = { metadata = { pipeline_tag = "fill-mask", language = "zh-Hans" } }, expect = "pass" },
    { subject = { metadata = { pipeline_tag = "fill-mask" } }, expect = "fail", at = "metadata" },
    { subject = { metadata = { pipeline_tag = "fill-mask", language = "English" } }, expect = "fail",
      at = "metadata.language" },
    { subject = { metadata = { pipeline_tag = "image-classification" } }, expect = "skip",
      at = "metadata.pipeline_tag" },
    { subject = { metadata = {} }, expect = "skip", at = "metadata" },
  },
}

---------------------------------------------------------------------------
-- Training data
---------------------------------------------------------------------------

p:check{
  id = "training_datasets",
  description = "The datasets the model was trained on are named in `datasets:`. "
    .. "[HF: datasets metadata; M 6: training data]",
  severity = "high",
  remediation = "List the training datasets under `datasets:` (Hub ids such as stanfordnlp/imdb, or names).",
  run = function(card)
    local declared = get(card, "metadata.datasets")
    local names = strings(declared)
    if #names == 0 then
      return result("fail", declared == nil and "metadata" or "metadata.datasets", "no training dataset is named")
    end
    return result("pass", "metadata.datasets", "trained on " .. concat(names, ", "), { datasets = names })
  end,
  examples = {
    { subject = { metadata = { datasets = { "imdb" } } }, expect = "pass", at = "metadata.datasets" },
    { subject = { metadata = { datasets = "imdb" } }, expect = "pass" },
    { subject = { metadata = { datasets = {} } }, expect = "fail", at = "metadata.datasets" },
    { subject = { metadata = {} }, expect = "fail", at = "metadata" },
  },
}

---------------------------------------------------------------------------
-- Sections of the body
---------------------------------------------------------------------------

-- The template's placeholders: the card template's "[More Information
-- Needed]" and the Trainer's "More information needed".
local function placeholder_free(s)
  s = gsub(s, "%[?[Mm]ore [Ii]nformation [Nn]eeded%]?", "")
  return gsub(s, "[%s%p]", "")
end

-- Everything a section says: its text, its tables' cells, its subsections'.
local function content(section, out)
  out = out or {}
  out[#out + 1] = section.text or ""
  for _, t in ipairs(section.tables or {}) do
    for _, cell in ipairs(t.header or {}) do out[#out + 1] = cell end
    for _, row in ipairs(t.rows or {}) do
      for _, cell in ipairs(row) do out[#out + 1] = cell end
    end
  end
  for _, child in ipairs(section.sections or {}) do content(child, out) end
  return out
end

-- Every section, depth first, with its path ("sections.1.sections.0").
local function each_section(card, visit)
  local function walk(list, prefix)
    for i, s in ipairs(list or {}) do
      local path = prefix .. "." .. (i - 1)
      if visit(s, path) then return true end
      if walk(s.sections, path .. ".sections") then return true end
    end
  end
  walk(card.sections, "sections")
end

-- The section `patterns` name, the most specific first: for each pattern in
-- order, the first section whose title matches and says something; failing
-- that, the first that matches at all (a placeholder); else nil.
local function find_section(card, patterns)
  local first, first_path
  for _, pattern in ipairs(patterns) do
    local found, found_path
    each_section(card, function(s, path)
      if find(lower(s.title or ""), pattern) then
        first, first_path = first or s, first_path or path
        if placeholder_free(concat(content(s), " ")) ~= "" then
          found, found_path = s, path
          return true
        end
      end
      return false
    end)
    if found then return found, found_path, true end
  end
  return first, first_path, false
end

local function section_check(spec)
  p:check{
    id = spec.id,
    description = spec.description,
    severity = spec.severity,
    remediation = spec.remediation,
    run = function(card)
      local section, path, filled = find_section(card, spec.patterns)
      if section == nil then
        return result("fail", "sections", "the card has no section on " .. spec.topic)
      end
      if not filled then
        return result("fail", path .. ".title",
          "the \"" .. section.title .. "\" section is empty or still the template's placeholder",
          { section = section.title, line = section.line })
      end
      return result("pass", path .. ".title", "\"" .. section.title .. "\" covers " .. spec.topic)
    end,
    examples = spec.examples,
  }
end

local function example_section(title, body, children)
  return { title = title, level = 2, line = 1, text = body, tables = {}, sections = children or {} }
end

section_check{
  id = "intended_use",
  topic = "intended use",
  patterns = { "intended use", "direct use", "%f[%a]uses%f[%A]", "use cases?", "how to use", "%f[%a]use%f[%A]" },
  description = "A section says what the model is for, and who should use it. [HF template: Uses; M 2: intended use]",
  severity = "high",
  remediation = "Fill the \"Uses\" section (direct use, downstream use, out-of-scope use) in place of "
    .. "[More Information Needed].",
  examples = {
    { subject = { sections = { example_section("Uses", "Sentiment of English film reviews.") } }, expect = "pass" },
    { subject = { sections = { example_section("Uses", "",
        { example_section("Direct Use", "[More Information Needed]") }) } },
      expect = "fail", at = "sections.0.sections.0.title" },
    { subject = { sections = { example_section("Intended uses & limitations", "More information needed") } },
      expect = "fail", at = "sections.0.title" },
    { subject = { sections = {} }, expect = "fail", at = "sections" },
  },
}

section_check{
  id = "limitations_and_bias",
  topic = "limitations, risks and bias",
  patterns = { "limitation", "bias", "risk", "caveat" },
  description = "A section states the model's limitations, risks and biases. "
    .. "[HF template: Bias, Risks, and Limitations; M 8, 9: ethical considerations, caveats]",
  severity = "high",
  remediation = "Fill the \"Bias, Risks, and Limitations\" section: where the model fails, whom it may harm, "
    .. "and what users should do about it.",
  examples = {
    { subject = { sections = { example_section("Bias, Risks, and Limitations", "Weak on sarcasm.") } },
      expect = "pass" },
    { subject = { sections = { example_section("Bias, Risks, and Limitations", "[More Information Needed]") } },
      expect = "fail", at = "sections.0.title" },
    { subject = { sections = { example_section("Uses", "x") } }, expect = "fail", at = "sections" },
  },
}

section_check{
  id = "training_data_section",
  topic = "training data",
  patterns = { "training data", "training dataset", "training details", "^data$", "dataset" },
  description = "A section describes the training data: where it comes from and how it was prepared. "
    .. "[HF template: Training Details / Training Data; M 6: training data]",
  severity = "medium",
  remediation = "Fill \"Training Data\" (under \"Training Details\"): the data's source, size, and preprocessing.",
  examples = {
    { subject = { sections = { example_section("Training Details", "",
        { example_section("Training Data", "IMDB, 25k reviews.") }) } },
      expect = "pass", at = "sections.0.sections.0.title" },
    { subject = { sections = { example_section("Training Data", "[More Information Needed]") } },
      expect = "fail", at = "sections.0.title" },
    { subject = { sections = {} }, expect = "fail", at = "sections" },
  },
}

---------------------------------------------------------------------------
-- Evaluation
---------------------------------------------------------------------------

local EVALUATION = { "evaluation", "results", "performance", "benchmark", "metrics" }

p:check{
  id = "evaluation_results",
  description = "The card reports evaluation results: model-index entries, or an evaluation section with numbers. "
    .. "[HF: model-index / Evaluation; M 4, 7: metrics, quantitative analyses]",
  severity = "high",
  remediation = "Add `model-index` results to the front matter (task, dataset, metric, value), or numbers to the "
    .. "\"Evaluation\" section.",
  run = function(card)
    local results = card.results or {}
    if #results > 0 then
      return result("pass", "results", format("%d result(s) in model-index", #results))
    end
    local section, path, filled = find_section(card, EVALUATION)
    if section == nil then
      return result("fail", "sections", "no model-index and no evaluation section")
    end
    if filled and find(placeholder_free(concat(content(section), " ")), "%d") then
      return result("pass", path .. ".title", "numbers in \"" .. section.title .. "\"")
    end
    return result("fail", path .. ".title",
      "\"" .. section.title .. "\" has no numbers and there is no model-index", { section = section.title })
  end,
  examples = {
    { subject = { results = { { metric = "accuracy", value = 0.9 } } }, expect = "pass", at = "results" },
    { subject = { results = {}, sections = { example_section("Evaluation", "Accuracy 91.2 on the test set.") } },
      expect = "pass", at = "sections.0.title" },
    { subject = { results = {}, sections = { example_section("Evaluation", "[More Information Needed]") } },
      expect = "fail", at = "sections.0.title" },
    { subject = { results = {}, sections = {} }, expect = "fail", at = "sections" },
  },
}

---------------------------------------------------------------------------
-- Base model
---------------------------------------------------------------------------

local FINE_TUNE_TAGS = set{ "generated_from_trainer", "fine-tuned", "finetuned", "peft", "lora", "adapter" }

-- Why the card reads as a fine-tune, or nil.
local function fine_tune_evidence(card)
  local relation = get(card, "metadata.base_model_relation")
  if text(relation) then return "base_model_relation: " .. relation end
  for _, tag in ipairs(strings(get(card, "metadata.tags"))) do
    if FINE_TUNE_TAGS[lower(tag)] then return "tag " .. tag end
  end
  if get(card, "metadata.library_name") == "peft" then return "library_name: peft" end
  local prose = lower((card.text or "") .. " " .. concat(content({ sections = card.sections or {} }), " "))
  for _, phrase in ipairs({ "fine%-tuned version of", "finetuned version of", "fine%-tuned from", "finetuned from" }) do
    if find(prose, phrase) then return "the text says \"" .. gsub(phrase, "%%", "") .. "\"" end
  end
  return nil
end

p:check{
  id = "base_model",
  description = "A fine-tuned model names the model it was fine-tuned from in `base_model`. "
    .. "[HF: base_model metadata, model tree; M 1: model details]",
  severity = "medium",
  remediation = "Set `base_model:` to the Hub id of the model this one was fine-tuned from.",
  run = function(card)
    local base = strings(get(card, "metadata.base_model"))
    if #base > 0 then
      return result("pass", "metadata.base_model", "fine-tuned from " .. concat(base, ", "))
    end
    local why = fine_tune_evidence(card)
    if why == nil then
      return result("skip", "metadata", "nothing says this is a fine-tune")
    end
    return result("fail", "metadata", "a fine-tune (" .. why .. ") that names no base_model", { evidence = why })
  end,
  examples = {
    { subject = { metadata = { base_model = "distilbert-base-uncased" } }, expect = "pass" },
    { subject = { metadata = { tags = { "generated_from_trainer" } } }, expect = "fail", at = "metadata" },
    { subject = { metadata = {}, text = "This model is a fine-tuned version of bert-base." },
      expect = "fail", at = "metadata" },
    { subject = { metadata = {}, text = "A model trained from scratch." }, expect = "skip", at = "metadata" },
  },
}

---------------------------------------------------------------------------
-- Claims that agree
---------------------------------------------------------------------------

-- Whether a number printed with `decimals` decimals agrees with `value`:
-- the same after rounding, as a fraction or as a percentage.
local function agrees(claim, decimals, value)
  local slack = 0.5 * 10 ^ -decimals + 1e-9
  for _, scale in ipairs({ 1, 100, 0.01 }) do
    if abs(claim - value * scale) <= slack then return true end
  end
  return false
end

local function escape(s)
  return (gsub(s, "[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

-- The metric's words as prose writes them: its type (exact_match, f1) and
-- name (Exact Match), lower-cased, with `_` read as a space.
local function metric_words(r)
  local words, seen = {}, {}
  local function add(w)
    if not seen[w] then
      seen[w] = true
      words[#words + 1] = w
    end
  end
  for _, w in ipairs({ r.metric, r.metric_name }) do
    if text(w) then
      add(lower(w))
      add((gsub(lower(w), "[_-]", " ")))
    end
  end
  return words
end

-- Each number the prose states for `word`: the first number after the word
-- on the same line, unless another letter-word of 4+ letters stands between
-- ("accuracy drops by half when ..." is no claim).
local function prose_claims(line, word)
  local claims = {}
  local pattern = "%f[%w]" .. escape(word) .. "%f[%W]"
  local at = 1
  while true do
    local s, e = find(line, pattern, at)
    if not s then break end
    local rest = line:sub(e + 1, e + 40)
    local gap, number = rest:match("^([^%d]-)(%d+%.?%d*)")
    if number and not find(gap, "%a%a%a%a") then
      local decimals = #(number:match("%.(%d+)$") or "")
      claims[#claims + 1] = { number = tonumber(number), decimals = decimals, text = word .. gap .. number }
    end
    at = e + 1
  end
  return claims
end

p:check{
  id = "claims_agree",
  description = "A metric the prose (or a table) states agrees with the model-index value for that metric. "
    .. "[HF: model-index as the source of evaluation results; M 4: metrics]",
  severity = "high",
  remediation = "Make the number in the text match model-index (or fix model-index); a card that says two "
    .. "things about one metric cannot be trusted on either.",
  run = function(card)
    local results = card.results or {}
    if #results == 0 then
      return result("skip", "results", "no model-index results to compare the prose with")
    end
    local by_word = {}
    for i, r in ipairs(results) do
      if type(r.value) == "number" then
        for _, w in ipairs(metric_words(r)) do
          by_word[w] = by_word[w] or {}
          by_word[w][#by_word[w] + 1] = { value = r.value, index = i - 1 }
        end
      end
    end
    local checked = 0
    local function compare(claim, word, path, where)
      local values = by_word[word]
      for _, v in ipairs(values) do
        if agrees(claim.number, claim.decimals, v.value) then
          checked = checked + 1
          return nil
        end
      end
      local stated = {}
      for _, v in ipairs(values) do stated[#stated + 1] = tostring(v.value) end
      return result("fail", path,
        format("%s says %s %s, but model-index gives %s", where, word, tostring(claim.number), concat(stated, " or ")),
        { claim = claim.text, model_index = stated, result = "results." .. values[1].index })
    end
    local finding
    -- `base` is the section's path with its dot ("" for the text before any heading).
    local function scan(s, base)
      if finding then return true end
      local where = s.title and s.title ~= "" and ("\"" .. s.title .. "\"") or "the text"
      for line in gmatch(lower(s.text or ""), "[^\n]+") do
        for word in pairs(by_word) do
          for _, claim in ipairs(prose_claims(line, word)) do
            finding = finding or compare(claim, word, base .. "text", where)
          end
        end
      end
      for i, t in ipairs(s.tables or {}) do
        for col, head in ipairs(t.header or {}) do
          local word = lower(head)
          word = by_word[word] and word or gsub(word, "[_-]", " ")
          if by_word[word] then
            for _, row in ipairs(t.rows or {}) do
              local cell = row[col] or ""
              local number = cell:match("^%s*(%d+%.?%d*)%s*%%?%s*$")
              if number then
                local claim = { number = tonumber(number), decimals = #(number:match("%.(%d+)$") or ""),
                  text = head .. " " .. cell }
                finding = finding or compare(claim, word, base .. "tables." .. (i - 1), where .. "'s table")
              end
            end
          end
        end
      end
      return finding ~= nil
    end
    if not scan(card, "") then
      each_section(card, function(s, path) return scan(s, path .. ".") end)
    end
    if finding then return finding end
    return result("pass", "results", format("%d claim(s) in the prose agree with model-index", checked))
  end,
  examples = {
    { subject = { results = { { metric = "accuracy", value = 0.932 } },
                  sections = { example_section("Evaluation", "It reaches an accuracy of 93.2% on the test split.") } },
      expect = "pass" },
    { subject = { results = { { metric = "accuracy", value = 0.932 } },
                  sections = { example_section("Evaluation", "Accuracy: 0.95") } },
      expect = "fail", at = "sections.0.text" },
    { subject = { results = { { metric = "f1", metric_name = "F1", value = 88.1 } },
                  sections = { { title = "Results", level = 2, line = 1, text = "", sections = {},
                    tables = { { header = { "Split", "F1" }, rows = { { "test", "91.0" } } } } } } },
      expect = "fail", at = "sections.0.tables.0" },
    { subject = { results = {} }, expect = "skip", at = "results" },
  },
}

return p
