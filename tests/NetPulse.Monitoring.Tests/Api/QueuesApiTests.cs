using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Storage;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Api;

/// <summary>GET /api/admin/queues and POST /api/admin/queues/{queue}/redrive against a real Azurite, a queue of the test's own.</summary>
public sealed class QueuesApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Redrive_moves_every_poisoned_message_back_with_its_stored_text_unchanged()
    {
        using var rig = new Rig(azurite.ConnectionString);
        // Base64 of bytes that are no UTF-8, a message that is no Base64 at all (the runtime poisons those as they came),
        // and the largest a queue message may be: each must come back exactly as stored.
        string[] bodies =
        [
            Convert.ToBase64String([0xff, 0x00, 0xfe, 0x80, 0x0a]),
            "not base64 {]} " + Guid.NewGuid().ToString("N"),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(new string('x', 48 * 1024))),
            .. Enumerable.Range(0, 40).Select(i => Convert.ToBase64String(BitConverter.GetBytes(i))),
        ];
        foreach (var body in bodies)
        {
            await rig.Raw(rig.PoisonQueue).SendMessageAsync(body);
        }

        var before = await Answer.Of(r => rig.Handler.ListAsync(r, CancellationToken.None));
        rig.StartNow();
        var redrive = await Answer.Of(r => rig.Handler.RedriveAsync(r, rig.Queue, CancellationToken.None), method: "POST");

        var listed = Assert.Single(before.Json.GetProperty("queues").EnumerateArray());
        Assert.Equal(rig.Queue, listed.GetProperty("name").GetString());
        Assert.Equal(rig.PoisonQueue, listed.GetProperty("poisonQueue").GetString());
        Assert.Equal(bodies.Length, listed.GetProperty("poisonMessages").GetInt32());
        Assert.Equal(200, redrive.Status);
        Assert.Equal(bodies.Length, redrive.Json.GetProperty("moved").GetInt32());
        Assert.Equal(0, redrive.Json.GetProperty("remaining").GetInt32());
        Assert.Equal(bodies.Order(StringComparer.Ordinal), (await rig.DrainAsync(rig.Queue)).Order(StringComparer.Ordinal));
        Assert.Empty(await rig.DrainAsync(rig.PoisonQueue));
    }

    [Fact]
    public async Task Two_redrives_at_once_move_each_message_once()
    {
        using var rig = new Rig(azurite.ConnectionString);
        var bodies = Enumerable.Range(0, 100).Select(i => Convert.ToBase64String(BitConverter.GetBytes(i))).ToList();
        foreach (var body in bodies)
        {
            await rig.Raw(rig.PoisonQueue).SendMessageAsync(body);
        }

        rig.StartNow();
        var both = await Task.WhenAll(
            Answer.Of(r => rig.Handler.RedriveAsync(r, rig.Queue, CancellationToken.None), method: "POST"),
            Answer.Of(r => rig.Handler.RedriveAsync(r, rig.Queue, CancellationToken.None), method: "POST"));

        Assert.All(both, a => Assert.Equal(200, a.Status));
        Assert.Equal(bodies.Count, both.Sum(a => a.Json.GetProperty("moved").GetInt32()));
        Assert.Equal(bodies.Order(StringComparer.Ordinal), (await rig.DrainAsync(rig.Queue)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_message_poisoned_again_during_the_redrive_stays_and_is_counted_as_remaining()
    {
        using var rig = new Rig(azurite.ConnectionString);
        await rig.Raw(rig.PoisonQueue).SendMessageAsync("b2xk");
        var poison = rig.Services.GetRequiredService<PoisonQueues>();

        // The rig's clock says the redrive began an hour ago: everything stored now counts as poisoned since.
        rig.Time.AdjustTime(DateTimeOffset.UtcNow.AddHours(-1));
        var outcome = await poison.RedriveAsync(rig.Queue, CancellationToken.None);

        Assert.Equal(0, outcome.Moved);
        Assert.Equal(1, outcome.Remaining);
        Assert.Equal(["b2xk"], await rig.DrainAsync(rig.PoisonQueue));
    }

    [Theory]
    [InlineData("alerts", 404)]
    [InlineData("ping-batches-poison", 404)]
    [InlineData("", 400)]
    [InlineData("Not A Queue", 400)]
    public async Task An_unknown_queue_is_a_404_and_a_malformed_name_a_400_naming_the_known_ones(string queue, int status)
    {
        using var rig = new Rig(azurite.ConnectionString);

        var answer = await Answer.Of(r => rig.Handler.RedriveAsync(r, queue, CancellationToken.None), method: "POST");

        var detail = answer.AssertProblem(status, "queue");
        Assert.Contains(rig.Queue, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queues_that_do_not_exist_yet_are_listed_empty_and_redrive_moves_nothing()
    {
        using var rig = new Rig(azurite.ConnectionString, createQueues: false);

        var list = await Answer.Of(r => rig.Handler.ListAsync(r, CancellationToken.None));
        var redrive = await Answer.Of(r => rig.Handler.RedriveAsync(r, rig.Queue, CancellationToken.None), method: "POST");

        var listed = Assert.Single(list.Json.GetProperty("queues").EnumerateArray());
        Assert.Equal(0, listed.GetProperty("messages").GetInt32());
        Assert.Equal(0, listed.GetProperty("poisonMessages").GetInt32());
        Assert.Equal(0, redrive.Json.GetProperty("moved").GetInt32());
    }

    /// <summary>The storage and API layers with a ping-batch queue (and poison queue) of the test's own.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly string _connectionString;

        public Rig(string connectionString, bool createQueues = true)
        {
            _connectionString = connectionString;
            Queue = "redrive-" + Guid.NewGuid().ToString("N")[..12];
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = connectionString,
                    ["NetPulse:Storage:PingBatchQueueName"] = Queue,
                })
                .Build();
            Services = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .AddSingleton<TimeProvider>(Time)
                .AddNetPulseStorage(configuration)
                .AddNetPulseApi(configuration)
                .BuildServiceProvider();
            if (createQueues)
            {
                Raw(Queue).Create();
                Raw(PoisonQueue).Create();
            }
        }

        public ServiceProvider Services { get; }

        public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

        /// <summary>
        /// Sets the rig's clock to now, a second ahead: storage stamps a message's insertion in whole seconds, and what
        /// was poisoned before a redrive began must count as before it.
        /// </summary>
        public void StartNow() => Time.AdjustTime(DateTimeOffset.UtcNow.AddSeconds(1));

        public string Queue { get; }

        public string PoisonQueue => Queue + "-poison";

        public QueuesHandler Handler => Services.GetRequiredService<QueuesHandler>();

        /// <summary>A client that sends and reads message text as stored.</summary>
        public QueueClient Raw(string queue) => new(_connectionString, queue);

        /// <summary>Receives and deletes every message of the queue; their stored text.</summary>
        public async Task<List<string>> DrainAsync(string queue)
        {
            var texts = new List<string>();
            var client = Raw(queue);
            while ((await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value is { Length: > 0 } messages)
            {
                foreach (var message in messages)
                {
                    texts.Add(message.Body.ToString());
                    await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }

            return texts;
        }

        public void Dispose()
        {
            Raw(Queue).DeleteIfExists();
            Raw(PoisonQueue).DeleteIfExists();
            Services.Dispose();
        }
    }
}
