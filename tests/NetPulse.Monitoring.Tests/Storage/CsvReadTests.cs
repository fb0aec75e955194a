using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Storage;

/// <summary>Csv.TryRead (RFC 4180 records with their lines) and Csv.Restore (the inverse of Neutralise), as an import reads an export.</summary>
public sealed class CsvReadTests
{
    [Fact]
    public void Records_keep_their_first_line_and_quoted_cells_hold_commas_quotes_and_line_breaks()
    {
        Assert.True(Csv.TryRead("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\r\nlines\",\r\nlast,\"\"", out var records, out _, out _));

        Assert.Equal([1, 2, 3, 5], records.Select(r => r.Line));
        Assert.Equal(["x,1", "say \"hi\""], records[1].Cells);
        Assert.Equal(["two\r\nlines", ""], records[2].Cells);
        Assert.Equal(["last", ""], records[3].Cells);
    }

    [Theory]
    [InlineData("a,b\r\nx,y\"z\r\n", 2, "a quote inside an unquoted cell")]
    [InlineData("a,b\r\n\"x\"y,z\r\n", 2, "text follows a closing quote")]
    [InlineData("a,b\r\nx,\"never\r\nclosed\r\n", 2, "never closed")]
    public void A_malformed_record_is_refused_with_its_line(string text, int line, string problem)
    {
        Assert.False(Csv.TryRead(text, out _, out var errorLine, out var error));

        Assert.Equal(line, errorLine);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=cmd|' /C calc'!A0")]
    [InlineData("+1,=2;@3\t-4")]
    [InlineData("plain 'quoted' text, -5")]
    public void Restore_undoes_neutralise(string text)
    {
        Assert.Equal(text, Csv.Restore(Csv.Neutralise(text)));
    }
}
