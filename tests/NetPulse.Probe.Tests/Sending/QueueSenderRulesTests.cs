using System.Text;
using Azure;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Tests.Spool;

namespace NetPulse.Probe.Tests.Sending;

public sealed class QueueSenderRulesTests
{
    [Theory]
    [InlineData(400, "MessageTooLarge", true)]
    [InlineData(413, "RequestBodyTooLarge", true)]
    [InlineData(413, null, true)]
    [InlineData(400, "InvalidHeaderValue", false)] // an API version the server does not know: every batch would fail alike
    [InlineData(403, "AuthorizationPermissionMismatch", false)]
    [InlineData(404, "QueueNotFound", false)]
    [InlineData(500, "InternalError", false)]
    [InlineData(503, "ServerBusy", false)]
    public void Only_an_error_about_the_message_itself_rejects_a_batch_for_good(int status, string? code, bool permanent)
    {
        var error = new RequestFailedException(status, "refused", code, null);

        Assert.Equal(permanent, QueueSender.IsPermanent(error));
    }

    [Fact]
    public void A_valid_spooled_batch_may_be_sent()
    {
        Assert.Null(QueueSender.DescribeUnsendable(TestBatches.Make(3), "probe-1"));
    }

    [Fact]
    public void A_body_that_is_no_ping_batch_is_not_sent()
    {
        var problem = QueueSender.DescribeUnsendable(new SpooledBatch(3, TestBatches.Start, Encoding.UTF8.GetBytes("{\"version\":2}")), "probe-1");

        Assert.Contains("version 2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_whose_sequence_differs_from_its_spool_file_is_not_sent()
    {
        var batch = TestBatches.Make(3) with { Sequence = 4 };

        Assert.Contains("batch 3", QueueSender.DescribeUnsendable(batch, "probe-1"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_of_another_probe_is_not_signed_with_this_probes_key()
    {
        // Spooled before the probe's id changed: the backend would refuse it for its signature, so it never goes.
        var problem = QueueSender.DescribeUnsendable(TestBatches.Make(3), "probe-2");

        Assert.Contains("a batch of probe 'probe-1', and this probe, 'probe-2', may sign only its own", problem, StringComparison.Ordinal);
    }
}
