#include "tests/testutil/xlsx_reader.h"

#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace tierhub::testutil {
namespace {

// Prints "SHEET\t<name>" per sheet, then one line per row of "<cell ref>=<value>" separated by
// tabs; backslash, tab and newline in values escaped as \\, \t, \n.
constexpr char kScript[] = R"PY(
import posixpath, sys, zipfile
import xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
P = '{http://schemas.openxmlformats.org/package/2006/relationships}'
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
strings = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall(M + 'si'):
        strings.append(''.join(t.text or '' for t in si.iter(M + 't')))
rels = {r.get('Id'): r.get('Target')
        for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels')).findall(P + 'Relationship')}
esc = lambda s: s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
out = []
for s in ET.fromstring(z.read('xl/workbook.xml')).find(M + 'sheets').findall(M + 'sheet'):
    out.append('SHEET\t' + esc(s.get('name')))
    target = rels[s.get(R + 'id')]
    path = target.lstrip('/') if target.startswith('/') else posixpath.join('xl', target)
    for row in ET.fromstring(z.read(path)).iter(M + 'row'):
        cells = []
        for c in row.findall(M + 'c'):
            v = c.find(M + 'v')
            value = v.text if v is not None else ''
            if c.get('t') == 's':
                value = strings[int(value)]
            elif c.get('t') == 'inlineStr':
                value = ''.join(t.text or '' for t in c.iter(M + 't'))
            cells.append(c.get('r') + '=' + esc(value or ''))
        out.append('ROW\t' + row.get('r') + '\t' + '\t'.join(cells))
sys.stdout.buffer.write('\n'.join(out).encode('utf-8'))
)PY";

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "AB12" -> column 27 (0-based), row 12.
bool ParseRef(const std::string& ref, size_t* column, size_t* row) {
  size_t i = 0;
  size_t col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') col = col * 26 + (ref[i++] - 'A' + 1);
  if (i == 0 || i == ref.size()) return false;
  *column = col - 1;
  *row = static_cast<size_t>(std::stoul(ref.substr(i)));
  return *row > 0;
}

}  // namespace

std::string XlsxSheet::At(size_t row, size_t column) const {
  if (row >= rows.size() || column >= rows[row].size()) return "";
  return rows[row][column];
}

absl::StatusOr<std::vector<XlsxSheet>> ReadXlsx(const std::string& bytes) {
  static std::atomic<int> serial{0};
  const char* tmp = getenv("TMPDIR");
  const std::string base = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                                        "/tierhub-read-xlsx-", getpid(), "-", serial.fetch_add(1));
  const std::string path = base + ".xlsx";
  const std::string script = base + ".py";
  std::ofstream(path, std::ios::binary) << bytes;
  std::ofstream(script) << kScript;
  FILE* pipe = popen(absl::StrCat(PYTHON3, " ", script, " ", path, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("xlsx reader: cannot start python3");
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  std::remove(path.c_str());
  std::remove(script.c_str());
  if (status != 0) return absl::InternalError(absl::StrCat("xlsx reader failed: ", out));
  std::vector<XlsxSheet> sheets;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    if (fields[0] == "SHEET" && fields.size() == 2) {
      sheets.push_back({Unescape(fields[1]), {}});
      continue;
    }
    if (fields[0] != "ROW" || sheets.empty() || fields.size() < 2) {
      return absl::InternalError(absl::StrCat("xlsx reader: unexpected line '", line, "'"));
    }
    const size_t row_number = static_cast<size_t>(std::stoul(fields[1]));
    XlsxSheet& sheet = sheets.back();
    if (sheet.rows.size() < row_number) sheet.rows.resize(row_number);
    for (size_t i = 2; i < fields.size(); ++i) {
      const size_t eq = fields[i].find('=');
      size_t column = 0;
      size_t row = 0;
      if (eq == std::string::npos || !ParseRef(fields[i].substr(0, eq), &column, &row)) {
        return absl::InternalError(absl::StrCat("xlsx reader: bad cell '", fields[i], "'"));
      }
      std::vector<std::string>& cells = sheet.rows[row - 1];
      if (cells.size() <= column) cells.resize(column + 1);
      cells[column] = Unescape(fields[i].substr(eq + 1));
    }
  }
  return sheets;
}

}  // namespace tierhub::testutil
