using System.Text;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Storage;

public sealed class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a=b", "a=b")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("\"", "\"\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("line\r\nbreak", "\"line\r\nbreak\"")]
    [InlineData(" spaces kept ", " spaces kept ")]
    [InlineData("12.5", "12.5")]
    [InlineData("-12.5", "-12.5")]
    public void A_value_is_quoted_only_when_it_holds_a_separator_a_quote_or_a_line_break(string value, string cell) =>
        Assert.Equal(cell, Csv.Value(value));

    [Theory]
    [InlineData("gateway", "gateway")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-12.5", "'-12.5")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a=b-c", "a=b-c")]
    [InlineData("a,=HYPERLINK(\"http://x.example\")", "\"a,'=HYPERLINK(\"\"http://x.example\"\")\"")]
    [InlineData("=a,\"b\"", "\"'=a,\"\"b\"\"\"")]
    [InlineData("a;+1", "a;'+1")]
    [InlineData("a\n@b", "\"a\n'@b\"")]
    [InlineData("a,,-1", "\"a,,'-1\"")]
    [InlineData(null, "")]
    public void Text_gets_an_apostrophe_wherever_a_cell_could_start_a_formula_then_quotes(string? text, string cell) =>
        Assert.Equal(cell, Csv.Text(text));

    [Fact]
    public void A_row_of_hostile_text_reads_back_as_the_neutralised_text_in_the_same_cells()
    {
        string?[] texts = ["=cmd|' /C calc'!A0", "a,=HYPERLINK(\"http://x.example\",\"b\")", "two\r\nlines", "\"", null, "ok"];

        var row = Csv.AppendRow(new StringBuilder(), texts.Select(Csv.Text)).ToString();

        Assert.EndsWith("\r\n", row, StringComparison.Ordinal);
        Assert.Equal(texts.Select(t => Csv.Neutralise(t ?? "")), Assert.Single(Parse(row)));
        Assert.Equal(["'=cmd|' /C calc'!A0", "a,'=HYPERLINK(\"http://x.example\",\"b\")", "two\r\nlines", "\"", "", "ok"], Parse(row)[0]);
    }

    [Fact]
    public void Text_without_a_formula_start_comes_back_as_the_same_string()
    {
        const string text = "gateway 1";

        Assert.Same(text, Csv.Neutralise(text));
    }

    /// <summary>A strict RFC 4180 reader: the file as rows of cells.</summary>
    internal static List<List<string>> Parse(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var i = 0;
        while (i < csv.Length)
        {
            if (cell.Length == 0 && csv[i] == '"')
            {
                for (i++; !(csv[i] == '"' && (i + 1 == csv.Length || csv[i + 1] != '"')); i++)
                {
                    cell.Append(csv[i]);
                    i += csv[i] == '"' ? 1 : 0;
                }

                i++;
                Assert.True(i == csv.Length || csv[i] is ',' or '\r', $"a quoted cell ends at {i} without a separator");
            }
            else if (csv[i] == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
                i++;
            }
            else if (csv[i] == '\r')
            {
                Assert.Equal('\n', csv[i + 1]);
                row.Add(cell.ToString());
                rows.Add(row);
                row = [];
                cell.Clear();
                i += 2;
            }
            else
            {
                Assert.False(csv[i] is '"' or '\n', $"an unquoted cell holds a quote or a line feed at {i}");
                cell.Append(csv[i++]);
            }
        }

        Assert.True(row.Count == 0 && cell.Length == 0, "the last row has no CRLF");
        return rows;
    }
}
