using System.Text;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// The one writer of CSV cells (RFC 4180: comma-separated, CRLF rows), for every file NetPulse hands out: the
/// API's sample export and the daily report's attachment. It lives in Storage, the lowest layer both reach,
/// so that a later CSV (an evidence pack) in any layer finds it without a new arrow.
/// </summary>
/// <remarks>
/// Text from config or users (names, hosts, categories, descriptions) goes through <see cref="Text"/>, which also
/// keeps a spreadsheet from running it as a formula (OWASP's "CSV injection"). Values the code writes itself
/// (times, numbers, status names) go through <see cref="Value"/>, so that -12.5 stays a number.
/// </remarks>
public static class Csv
{
    public const char Separator = ',';

    public const string NewLine = "\r\n";

    /// <summary>
    /// Where a reader may start a cell: after a comma, and after the semicolon, tab and line breaks that
    /// spreadsheets offer as separators when importing (a German Excel splits at ';').
    /// </summary>
    private const string CellStarts = ",;\t\r\n";

    /// <summary>A cell of text from config or users: neutralised (<see cref="Neutralise"/>), then quoted if it needs to be.</summary>
    public static string Text(string? text) => Value(Neutralise(text ?? ""));

    /// <summary>A cell the code wrote itself: quoted if it holds a separator, a quote or a line break, else as it is.</summary>
    public static string Value(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    /// <summary>
    /// Puts an apostrophe before every part of <paramref name="text"/> that a spreadsheet would run as a formula:
    /// the start, when it is = + - @ (or a tab or carriage return, as OWASP adds), and the same after any
    /// separator inside it. Quoting keeps "a,=HYPERLINK(…)" one cell for a careful reader, but a reader that
    /// splits at every comma, or imports with another separator, would start a cell at the '='.
    /// The apostrophe is what spreadsheets show as "text, not a formula"; it stays visible elsewhere.
    /// </summary>
    public static string Neutralise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? safe = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsFormulaStart(text[i]) && (i == 0 || CellStarts.Contains(text[i - 1], StringComparison.Ordinal)))
            {
                safe ??= new StringBuilder(text.Length + 4).Append(text, 0, i);
                safe.Append('\'');
            }

            safe?.Append(text[i]);
        }

        return safe?.ToString() ?? text;
    }

    /// <summary>Appends one row of cells that are already written (by <see cref="Text"/> or <see cref="Value"/>), and the line break.</summary>
    public static StringBuilder AppendRow(StringBuilder csv, IEnumerable<string> cells)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return csv.AppendJoin(Separator, cells).Append(NewLine);
    }

    /// <summary>
    /// Undoes <see cref="Neutralise"/> on a cell read back (an import of an exported file): drops the apostrophe before a
    /// formula start at the start of the cell or after a separator inside it, so "=cmd" exported as "'=cmd" comes back as "=cmd".
    /// </summary>
    public static string Restore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? plain = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\'' && i + 1 < text.Length && IsFormulaStart(text[i + 1]) && (i == 0 || CellStarts.Contains(text[i - 1], StringComparison.Ordinal)))
            {
                plain ??= new StringBuilder(text.Length).Append(text, 0, i);
                continue;
            }

            plain?.Append(text[i]);
        }

        return plain?.ToString() ?? text;
    }

    /// <summary>
    /// Reads RFC 4180 text into records, each with the line it starts on (from 1): cells separated by commas, records by
    /// CRLF or LF; a quoted cell may hold commas, line breaks and quotes written twice. False, with the line and the reason,
    /// for a quote inside an unquoted cell, text after a closing quote, or a quote never closed.
    /// </summary>
    public static bool TryRead(string text, out IReadOnlyList<CsvRecord> records, out int errorLine, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var read = new List<CsvRecord>();
        records = read;
        errorLine = 0;
        error = "";
        var cells = new List<string>();
        var cell = new StringBuilder();
        int line = 1, recordLine = 1;
        bool quoted = false, afterQuote = false, atStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                    afterQuote = true;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    cell.Append(c);
                }
            }
            else if (c == Separator)
            {
                cells.Add(cell.ToString());
                cell.Clear();
                afterQuote = false;
                atStart = true;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                cells.Add(cell.ToString());
                read.Add(new CsvRecord(recordLine, [.. cells]));
                cells.Clear();
                cell.Clear();
                recordLine = ++line;
                afterQuote = false;
                atStart = true;
            }
            else if (afterQuote)
            {
                (errorLine, error) = (line, "text follows a closing quote; a quote inside a quoted cell is written twice (\"\")");
                return false;
            }
            else if (c == '"' && !atStart)
            {
                (errorLine, error) = (line, "a quote inside an unquoted cell; quote the whole cell and write the quote twice (\"\")");
                return false;
            }
            else if (c == '"')
            {
                quoted = true;
                atStart = false;
            }
            else
            {
                atStart = false;
                cell.Append(c);
            }
        }

        if (quoted)
        {
            (errorLine, error) = (recordLine, "a quoted cell is never closed");
            return false;
        }

        if (cells.Count > 0 || cell.Length > 0 || afterQuote)
        {
            cells.Add(cell.ToString());
            read.Add(new CsvRecord(recordLine, [.. cells]));
        }

        return true;
    }

    private static bool IsFormulaStart(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';
}

/// <summary>One record of a CSV text: the line it starts on (from 1) and its cells as written (quotes removed).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Cells);
