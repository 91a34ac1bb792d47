#!/bin/sh
# Remake the LibreOffice fixtures: export build_register()'s projects with `pmo export`, then have
# LibreOffice open each export and save it in its two .xlsx formats (and an edited copy, as a
# person would edit it). Needs libreoffice-calc-nogui (Debian); the tests themselves do not.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DJANGO_ENV=development DATABASE_URL="sqlite:///$work/db.sqlite3" HOME="$work"
pmo="$root/.venv/bin/pmo"
"$pmo" migrate -v0
"$pmo" shell -c "from pmo.portfolio.tests.imports.libreoffice import build_register; build_register()"
"$pmo" export projects "$here/export.xlsx" --all
"$pmo" export projects "$here/export.csv" --all
"$root/.venv/bin/python" "$here/edit.py" "$here/export.xlsx" "$work/edited.xlsx"

convert() {  # convert SOURCE FILTER TARGET
    soffice --headless --infilter='CSV:44,34,76,1' --convert-to "xlsx:$2" --outdir "$work/out" "$1" >/dev/null
    mv "$work/out/$(basename "${1%.*}").xlsx" "$3"
}
convert "$here/export.xlsx" "Calc Office Open XML" "$here/export-lo-ooxml.xlsx"
convert "$here/export.xlsx" "Calc MS Excel 2007 XML" "$here/export-lo-excel2007.xlsx"
convert "$here/export.csv" "Calc Office Open XML" "$here/csv-lo-ooxml.xlsx"
convert "$here/export.csv" "Calc MS Excel 2007 XML" "$here/csv-lo-excel2007.xlsx"
convert "$work/edited.xlsx" "Calc Office Open XML" "$here/edited-lo-ooxml.xlsx"
soffice --version > "$here/LIBREOFFICE_VERSION"
