using Azure;
using Azure.Data.Tables;
using NetPulse.Monitoring.Reports;

namespace NetPulse.Monitoring.Tests.Reports;

public sealed class ReportStoreTests
{
    [Theory]
    [InlineData(250, 1_000, new[] { 100, 100, 50 })]        // small reports: the 100-action limit cuts
    [InlineData(120, 30_000, new[] { 59, 59, 2 })]          // worst-case reports: the body size cuts
    [InlineData(1, 30_000, new[] { 1 })]
    public void A_days_rows_go_in_transactions_under_100_actions_and_4_MiB(int rows, int reportBytes, int[] expected)
    {
        var actions = Enumerable.Range(0, rows).Select(i => new TableTransactionAction(
            TableTransactionActionType.UpsertReplace,
            new TargetReportEntity { PartitionKey = "2026-03-29", RowKey = $"t|home-1|{i:D4}", Figures = "{}", Report = new byte[reportBytes] }));

        var transactions = ReportStore.BySize(actions).ToList();

        Assert.Equal(expected, transactions.Select(t => t.Count));
        Assert.All(transactions, t => Assert.True(t.Sum(a => ((TargetReportEntity)a.Entity).Report.Length * 4L / 3) < 4L * 1024 * 1024));
    }

    [Fact]
    public void Stale_rows_to_delete_ride_along()
    {
        var actions = Enumerable.Range(0, 3).Select(i => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("2026-03-29", $"t|x|{i}"), ETag.All));

        Assert.Equal([3], ReportStore.BySize(actions).Select(t => t.Count));
    }
}
