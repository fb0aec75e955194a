using NetPulse.Contracts;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>One delivery of a queue message to the handler, as the queue trigger passes it.</summary>
internal sealed record Delivery(PingBatch Batch, string MessageId, long DequeueCount)
{
    public override string ToString() => $"{MessageId}#{DequeueCount}";
}

/// <summary>What an at-least-once queue may hand the handler for a list of batches.</summary>
internal static class Deliveries
{
    /// <summary>Each batch once, in order, as its own message on its first delivery.</summary>
    public static List<Delivery> InOrder(IEnumerable<PingBatch> batches) => [.. batches.Select(b => new Delivery(b, MessageId(b), 1))];

    /// <summary>
    /// Each batch's first delivery in an order shuffled by <paramref name="random"/> (Fisher-Yates), and about a
    /// third of the messages delivered again (one to three times) somewhere after it: the same message id, the
    /// dequeue count one higher each time, as when a handler's lease runs out or it fails after writing.
    /// </summary>
    public static List<Delivery> ShuffledWithRedeliveries(IReadOnlyList<PingBatch> batches, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var deliveries = InOrder(batches).ToArray();
        random.Shuffle(deliveries);
        var list = deliveries.ToList();
        foreach (var first in deliveries)
        {
            if (random.Next(3) != 0)
            {
                continue;
            }

            var after = list.IndexOf(first);
            var redeliveries = random.Next(1, 4);
            for (var dequeueCount = 2; dequeueCount <= 1 + redeliveries; dequeueCount++)
            {
                after = random.Next(after + 1, list.Count + 1);
                list.Insert(after, first with { DequeueCount = dequeueCount });
            }
        }

        return list;
    }

    /// <summary>Every message delivered once more, in an order shuffled by <paramref name="random"/>: the same ids, dequeue count 2.</summary>
    public static List<Delivery> AllAgainShuffled(IEnumerable<PingBatch> batches, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var deliveries = InOrder(batches).Select(d => d with { DequeueCount = 2 }).ToArray();
        random.Shuffle(deliveries);
        return [.. deliveries];
    }

    private static string MessageId(PingBatch batch) => $"{batch.ProbeId}-{batch.Sequence:D6}";
}
