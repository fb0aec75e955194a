using Azure.Storage.Queues;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Sending;

namespace NetPulse.Probe.Tests.Sending;

public sealed class QueueClientFactoryTests
{
    [Fact]
    public void Without_a_service_uri_the_connection_string_names_the_account_and_the_queue_option_the_queue()
    {
        var client = QueueClientFactory.Create(new QueueOptions { ConnectionString = "UseDevelopmentStorage=true", QueueName = "batches-a" });

        Assert.Equal("batches-a", client.Name);
        Assert.Equal("devstoreaccount1", client.AccountName);
    }

    [Fact]
    public void An_account_uri_with_a_sas_gets_the_queue_name_and_keeps_the_sas()
    {
        var client = QueueClientFactory.Create(new QueueOptions
        {
            ServiceUri = new Uri("https://acct.queue.core.windows.net/?sv=2024-08-04&sp=a&sig=c2ln"),
            QueueName = "ping-batches",
        });

        Assert.Equal("ping-batches", client.Name);
        Assert.Equal("acct", client.AccountName);
        Assert.Contains("sig=", client.Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void A_queue_uri_keeps_its_own_queue_name()
    {
        var client = QueueClientFactory.Create(new QueueOptions { ServiceUri = new Uri("https://acct.queue.core.windows.net/probe-batches"), QueueName = "ping-batches" });

        Assert.Equal("probe-batches", client.Name);
    }

    [Fact]
    public void Messages_are_base64_as_the_functions_queue_trigger_expects()
    {
        Assert.Equal(QueueMessageEncoding.Base64, QueueClientFactory.ClientOptions().MessageEncoding);
    }

    [Fact]
    public void Without_a_connection_string_or_a_uri_the_error_says_what_is_missing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => QueueClientFactory.Create(new QueueOptions()));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_uri_overrides_the_shipped_connection_string()
    {
        var client = QueueClientFactory.Create(new QueueOptions
        {
            ConnectionString = "UseDevelopmentStorage=true",
            ServiceUri = new Uri("https://acct.queue.core.windows.net/?sv=2024-08-04&sp=a&sig=c2ln"),
        });

        Assert.Equal("acct", client.AccountName);
    }
}
