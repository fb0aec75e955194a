using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Probe.Spool;
using NetPulse.Testing.Logging;

namespace NetPulse.Probe.Tests.Spool;

public sealed class BatchSpoolTests : IDisposable
{
    private const long Unlimited = 1L << 40;

    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TestLog _log = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_batch_is_on_disk_under_a_fixed_width_name_before_it_is_read()
    {
        var spool = Open();
        var batch = TestBatches.Make(0);

        await spool.AddAsync(batch, CancellationToken.None);

        Assert.True(File.Exists(_folder.Combine("0000000000000000000.batch")));
        var read = await spool.ReadOldestAsync(CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(0, read.Sequence);
        Assert.Equal(batch.WindowStart, read.WindowStart);
        Assert.Equal(batch.Body.ToArray(), read.Body.ToArray());
    }

    [Fact]
    public async Task Batches_come_out_oldest_first_and_a_sent_one_is_deleted()
    {
        var spool = Open();
        for (var i = 0; i < 12; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        var order = new List<long>();
        while (await spool.ReadOldestAsync(CancellationToken.None) is { } batch)
        {
            order.Add(batch.Sequence);
            await spool.MarkSentAsync(batch.Sequence, CancellationToken.None);
        }

        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), order);
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.batch"));
        Assert.Equal(0, spool.Status.BatchCount);
        Assert.Equal(11, spool.Status.LastSentSequence);
        Assert.Equal(_time.GetUtcNow(), spool.Status.LastSentAt);
    }

    [Fact]
    public async Task A_released_batch_stays_the_oldest()
    {
        var spool = Open();
        await spool.AddAsync(TestBatches.Make(0), CancellationToken.None);
        await spool.AddAsync(TestBatches.Make(1), CancellationToken.None);

        var first = await spool.ReadOldestAsync(CancellationToken.None);
        spool.Release(first!.Sequence);
        var again = await spool.ReadOldestAsync(CancellationToken.None);

        Assert.Equal(0, again!.Sequence);
    }

    [Fact]
    public async Task A_batch_out_of_turn_is_refused()
    {
        var spool = Open();
        await spool.AddAsync(TestBatches.Make(0), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => spool.AddAsync(TestBatches.Make(5), CancellationToken.None));
    }

    [Fact]
    public async Task After_a_restart_the_order_and_the_numbering_go_on()
    {
        var spool = Open();
        for (var i = 0; i < 5; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        var sent = await spool.ReadOldestAsync(CancellationToken.None);
        await spool.MarkSentAsync(sent!.Sequence, CancellationToken.None);

        var reopened = Open();

        Assert.Equal(5, reopened.NextSequence);
        Assert.Equal(4, reopened.Status.BatchCount);
        Assert.Equal(1, reopened.Status.OldestSequence);
        Assert.Equal(TestBatches.Start.AddSeconds(10), reopened.Status.OldestWindowStart);
        Assert.Equal(0, reopened.Status.LastSentSequence);
        Assert.Equal([1L, 2, 3, 4], await DrainAsync(reopened));
    }

    [Fact]
    public async Task Numbering_survives_a_spool_that_drained_empty()
    {
        var spool = Open();
        for (var i = 0; i < 3; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        await DrainAsync(spool);

        Assert.Equal(3, Open().NextSequence);
    }

    [Fact]
    public async Task A_torn_file_a_garbage_file_and_a_broken_temporary_file_are_set_aside_and_the_rest_goes_in_order()
    {
        var spool = Open();
        for (var i = 0; i < 5; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        var torn = _folder.Combine("0000000000000000001.batch");
        var content = await File.ReadAllBytesAsync(torn);
        await File.WriteAllBytesAsync(torn, content[..(content.Length / 2)]);
        var garbage = _folder.Combine("0000000000000000003.batch");
        await File.WriteAllBytesAsync(garbage, [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))]);
        var temporary = _folder.Combine("0000000000000000005.batch.tmp");
        await File.WriteAllBytesAsync(temporary, TestBatches.Make(5).Body.ToArray()[..40]);

        var reopened = Open();

        Assert.Equal([0L, 2, 4], await DrainAsync(reopened));
        var corrupt = Directory.EnumerateFiles(_folder.Combine(BatchSpool.CorruptFolderName)).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["0000000000000000001.batch", "0000000000000000003.batch", "0000000000000000005.batch.tmp"], corrupt);
        var warnings = _log.AtLeast(LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Contains(warnings, m => m.Contains("0000000000000000001.batch", StringComparison.Ordinal) && m.Contains("cut short", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("0000000000000000003.batch", StringComparison.Ordinal) && m.Contains("header", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("0000000000000000005.batch.tmp", StringComparison.Ordinal) && m.Contains("crash", StringComparison.Ordinal));
        Assert.Equal(5, reopened.NextSequence);
    }

    [Fact]
    public async Task A_whole_temporary_file_left_by_a_crash_before_the_rename_is_recovered()
    {
        var spool = Open();
        await spool.AddAsync(TestBatches.Make(0), CancellationToken.None);
        var batch = TestBatches.Make(1);
        await File.WriteAllBytesAsync(_folder.Combine("0000000000000000001.batch.tmp"), SpoolFile.Format(batch));

        var reopened = Open();

        Assert.Equal(2, reopened.NextSequence);
        await reopened.ReadOldestAsync(CancellationToken.None);
        await reopened.MarkSentAsync(0, CancellationToken.None);
        var recovered = await reopened.ReadOldestAsync(CancellationToken.None);
        Assert.Equal(batch.Body.ToArray(), recovered!.Body.ToArray());
    }

    [Fact]
    public async Task A_garbled_state_file_with_batches_waiting_is_set_aside_and_the_files_carry_the_numbering_on()
    {
        var spool = Open();
        for (var i = 0; i < 5; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        for (var i = 0; i < 2; i++)
        {
            await spool.ReadOldestAsync(CancellationToken.None);
            await spool.MarkSentAsync(i, CancellationToken.None);
        }

        await File.WriteAllTextAsync(_folder.Combine(SpoolState.FileName), "{ \"nextSequence\": 5, \"lastSent");

        var reopened = Open();

        Assert.Equal(5, reopened.NextSequence);
        Assert.Equal([2L, 3, 4], await DrainAsync(reopened));
        Assert.True(File.Exists(_folder.Combine(BatchSpool.CorruptFolderName, SpoolState.FileName)));
        Assert.Contains(_log.AtLeast(LogLevel.Warning), e => e.Message.Contains(SpoolState.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_garbled_state_file_of_a_drained_spool_makes_numbering_jump_ahead_rather_than_start_again()
    {
        var spool = Open();
        for (var i = 0; i < 3; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        await DrainAsync(spool);
        await File.WriteAllBytesAsync(_folder.Combine(SpoolState.FileName), [0x7B, 0x00, 0xFF, 0x13]);

        var reopened = Open();

        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), reopened.NextSequence);
        Assert.Contains(_log.AtLeast(LogLevel.Warning), e => e.Message.Contains($"numbered from {reopened.NextSequence}", StringComparison.Ordinal));
        Assert.True(File.Exists(_folder.Combine(BatchSpool.CorruptFolderName, SpoolState.FileName)));

        // A second crash before the first batch keeps the jump, whatever the clock says then: it was written at once.
        var earlier = new BatchSpool(_folder.Path, Unlimited, new FakeTimeProvider(TestBatches.Start.AddYears(-1)), _log.For<BatchSpool>());
        Assert.Equal(reopened.NextSequence, earlier.NextSequence);
        Assert.Equal(reopened.NextSequence, SpoolStatusReader.Read(_folder.Path).NextSequence);
    }

    [Fact]
    public async Task A_file_damaged_after_start_is_caught_by_its_checksum_when_read()
    {
        var spool = Open();
        for (var i = 0; i < 3; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        var damaged = _folder.Combine("0000000000000000000.batch");
        var content = await File.ReadAllBytesAsync(damaged);
        content[^5] ^= 0x20;
        await File.WriteAllBytesAsync(damaged, content);

        Assert.Equal([1L, 2], await DrainAsync(spool));
        Assert.True(File.Exists(_folder.Combine(BatchSpool.CorruptFolderName, "0000000000000000000.batch")));
        Assert.Contains(_log.AtLeast(LogLevel.Warning), e => e.Message.Contains("checksum", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_whose_send_was_recorded_before_a_crash_is_not_sent_again()
    {
        var spool = Open();
        for (var i = 0; i < 3; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        var first = await spool.ReadOldestAsync(CancellationToken.None);
        await spool.MarkSentAsync(first!.Sequence, CancellationToken.None);

        // The crash came after the state was written and before the file was deleted.
        await File.WriteAllBytesAsync(_folder.Combine("0000000000000000000.batch"), SpoolFile.Format(TestBatches.Make(0)));

        Assert.Equal([1L, 2], await DrainAsync(Open()));
    }

    [Fact]
    public async Task Over_its_cap_the_spool_drops_the_oldest_batches_and_says_how_many()
    {
        var size = SpoolFile.Format(TestBatches.Make(0)).Length;
        var spool = Open(maxBytes: (size * 3) + (size / 2));

        for (var i = 0; i < 5; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        Assert.Equal([2L, 3, 4], await DrainAsync(spool));
        var drops = _log.AtLeast(LogLevel.Warning).Where(e => e.Message.Contains("dropped", StringComparison.Ordinal)).ToList();
        Assert.Equal([0L, 1], drops.Select(e => (long)e.Properties["First"]!));
        Assert.All(drops, e => Assert.Equal(1, e.Properties["Count"]));
    }

    [Fact]
    public async Task A_spool_reopened_with_a_smaller_cap_drops_the_oldest_in_one_counted_warning()
    {
        var spool = Open();
        for (var i = 0; i < 6; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        var size = SpoolFile.Format(TestBatches.Make(0)).Length;
        var reopened = Open(maxBytes: (size * 3) + (size / 2));

        Assert.Equal([3L, 4, 5], await DrainAsync(reopened));
        var drop = Assert.Single(_log.AtLeast(LogLevel.Warning), e => e.Message.Contains("dropped", StringComparison.Ordinal));
        Assert.Equal(3, drop.Properties["Count"]);
        Assert.Equal(0L, drop.Properties["First"]);
        Assert.Equal(2L, drop.Properties["Last"]);
        Assert.Contains("dropped the 3 oldest batches, sequences 0-2", drop.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cap_never_drops_the_batch_being_sent()
    {
        var size = SpoolFile.Format(TestBatches.Make(0)).Length;
        var spool = Open(maxBytes: (size * 2) + (size / 2));
        await spool.AddAsync(TestBatches.Make(0), CancellationToken.None);
        var sending = await spool.ReadOldestAsync(CancellationToken.None);

        for (var i = 1; i < 5; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        await spool.MarkSentAsync(sending!.Sequence, CancellationToken.None);
        Assert.Equal([4L], await DrainAsync(spool));
        var drop = Assert.Single(_log.AtLeast(LogLevel.Warning), e => e.Message.Contains("dropped", StringComparison.Ordinal) && (long)e.Properties["First"]! == 1);
        Assert.Equal(1, drop.Properties["Count"]);
    }

    [Fact]
    public async Task A_rejected_batch_is_set_aside_with_its_reason_and_its_number_is_not_reused()
    {
        var spool = Open();
        await spool.AddAsync(TestBatches.Make(0), CancellationToken.None);
        await spool.AddAsync(TestBatches.Make(1), CancellationToken.None);

        await spool.ReadOldestAsync(CancellationToken.None);
        await spool.RejectAsync(0, "the queue said MessageTooLarge", CancellationToken.None);
        var next = await spool.ReadOldestAsync(CancellationToken.None);
        await spool.RejectAsync(next!.Sequence, "also refused", CancellationToken.None);

        Assert.True(File.Exists(_folder.Combine(BatchSpool.RejectedFolderName, "0000000000000000000.batch")));
        Assert.Contains(_log.AtLeast(LogLevel.Warning), e => e.Message.Contains("MessageTooLarge", StringComparison.Ordinal));
        var reopened = Open();
        Assert.Equal(2, reopened.NextSequence);
        Assert.Equal(2, reopened.Status.RejectedCount);
    }

    [Fact]
    public async Task Status_can_be_read_from_another_process_without_opening_the_spool()
    {
        var spool = Open();
        for (var i = 0; i < 4; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        await spool.ReadOldestAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        await spool.MarkSentAsync(0, CancellationToken.None);

        var status = SpoolStatusReader.Read(_folder.Path);

        Assert.Equal(spool.Status, status);
        Assert.Equal(3, status.BatchCount);
        Assert.Equal(1, status.OldestSequence);
        Assert.Equal(TestBatches.Start.AddSeconds(10), status.OldestWindowStart);
        Assert.Equal(_time.GetUtcNow(), status.LastSentAt);
        Assert.Equal(4, status.NextSequence);
    }

    [Fact]
    public async Task While_a_backlog_drains_the_send_record_is_written_at_most_once_a_second_and_when_the_spool_runs_empty()
    {
        var spool = Open();
        for (var i = 0; i < 6; i++)
        {
            await spool.AddAsync(TestBatches.Make(i), CancellationToken.None);
        }

        for (var i = 0; i < 3; i++)
        {
            await spool.ReadOldestAsync(CancellationToken.None);
            await spool.MarkSentAsync(i, CancellationToken.None);
        }

        Assert.Equal(0, SpoolStatusReader.Read(_folder.Path).LastSentSequence);
        Assert.Equal(2, spool.Status.LastSentSequence);

        _time.Advance(BatchSpool.StateWriteInterval);
        await spool.ReadOldestAsync(CancellationToken.None);
        await spool.MarkSentAsync(3, CancellationToken.None);
        Assert.Equal(3, SpoolStatusReader.Read(_folder.Path).LastSentSequence);

        await spool.ReadOldestAsync(CancellationToken.None);
        await spool.MarkSentAsync(4, CancellationToken.None);
        await spool.ReadOldestAsync(CancellationToken.None);
        await spool.MarkSentAsync(5, CancellationToken.None);
        Assert.Equal(5, SpoolStatusReader.Read(_folder.Path).LastSentSequence);
    }

    [Fact]
    public void Status_of_a_spool_that_does_not_exist_is_empty()
    {
        var status = SpoolStatusReader.Read(_folder.Combine("never-created"));

        Assert.Equal(0, status.BatchCount);
        Assert.Null(status.OldestSequence);
        Assert.Null(status.LastSentAt);
        Assert.Equal(0, status.NextSequence);
    }

    [Fact]
    public async Task A_waiting_sender_wakes_when_a_batch_is_added()
    {
        var spool = Open();
        var wait = spool.WaitForBatchAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);

        await spool.AddAsync(TestBatches.Make(0), CancellationToken.None);

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private BatchSpool Open(long maxBytes = Unlimited) => new(_folder.Path, maxBytes, _time, _log.For<BatchSpool>());

    private static async Task<List<long>> DrainAsync(BatchSpool spool)
    {
        var sent = new List<long>();
        while (await spool.ReadOldestAsync(CancellationToken.None) is { } batch)
        {
            sent.Add(batch.Sequence);
            await spool.MarkSentAsync(batch.Sequence, CancellationToken.None);
        }

        return sent;
    }
}
