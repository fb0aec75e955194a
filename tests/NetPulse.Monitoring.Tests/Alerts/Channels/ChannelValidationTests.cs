namespace NetPulse.Monitoring.Tests.Alerts.Channels;

/// <summary>Each factory's Validate lists every problem of a section, each with its full key, and accepts a good one.</summary>
public sealed class ChannelValidationTests
{
    private const string Prefix = "NetPulse:Alerts:Channels:";

    [Theory]
    [InlineData("webhook", "Url", "https://hooks.example.org/netpulse")]
    [InlineData("teams", "Url", "https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=x")]
    [InlineData("slack", "Url", "https://hooks.slack.com/services/T000/B000/XXXX")]
    [InlineData("ntfy", "TopicUrl", "https://ntfy.sh/netpulse-7f3a9c")]
    [InlineData("webhook", "Url", "http://127.0.0.1:8080/hook")]
    [InlineData("ntfy", "Topic", "netpulse-7f3a9c")]
    public void A_good_section_has_no_problems(string type, string key, string value)
    {
        using var services = ChannelRig.Services();
        var section = ChannelRig.Section("ok", new Dictionary<string, string?> { ["Type"] = type, [key] = value });

        Assert.Empty(ChannelRig.Factory(services, type).Validate("ok", section));
    }

    [Fact]
    public void Webhook_problems_name_every_key()
    {
        var problems = Validate("webhook", "hook", new()
        {
            ["Url"] = "http://hooks.example.org/netpulse",
            ["Secret"] = "short",
            ["Timeout"] = "00:10:00",
            ["Headers:Content-Type"] = "text/plain",
            ["Headers:X Bad"] = "v",
        });

        AssertNames(problems, "hook:Url must use https", "hook:Secret is too short", "hook:Timeout must be between", "hook:Headers:Content-Type is set by NetPulse", "hook:Headers:X Bad is not a valid header name");
        Assert.Equal(5, problems.Count);
        AssertNames(Validate("webhook", "hook", []), "hook:Url is required");
        AssertNames(Validate("webhook", "hook", new() { ["Url"] = "https://user:pw@hooks.example.org/" }), "hook:Url must not carry a user or password");
        AssertNames(Validate("webhook", "hook", new() { ["Url"] = "hooks.example.org/x" }), "hook:Url must be an absolute https URL");
    }

    [Fact]
    public void Teams_refuses_a_retired_connector_url_and_names_the_workflow_instead()
    {
        var problems = Validate("teams", "ops-teams", new() { ["Url"] = "https://contoso.webhook.office.com/webhookb2/abc/IncomingWebhook/def", ["Timeout"] = "00:00:00" });

        AssertNames(problems, "ops-teams:Url is an Office 365 connector", "ops-teams:Timeout must be between");
        Assert.Contains("Send webhook alerts to a channel", problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Slack_needs_an_https_url()
    {
        AssertNames(Validate("slack", "s", new() { ["Url"] = "ftp://hooks.slack.com/x" }), "s:Url must be an absolute https URL");
        AssertNames(Validate("slack", "s", []), "s:Url is required");
    }

    [Fact]
    public void Ntfy_problems_name_every_key()
    {
        AssertNames(Validate("ntfy", "phone", new() { ["Username"] = "phil", ["Server"] = "http://ntfy.example.org", ["Timeout"] = "ten" }), "phone: ");
        AssertNames(
            Validate("ntfy", "phone", new() { ["Username"] = "phil", ["Server"] = "http://ntfy.example.org", ["AccessToken"] = "tk_x" }),
            "phone:Server must use https", "phone:Topic is required", "phone:Password is required with Username", "phone:AccessToken is set together with Username/Password");
        AssertNames(Validate("ntfy", "phone", new() { ["Topic"] = "has space/slash" }), "phone:Topic 'has space/slash' is not a topic name");
        AssertNames(Validate("ntfy", "phone", new() { ["TopicUrl"] = "https://ntfy.sh/a", ["Topic"] = "b" }), "phone:TopicUrl is set together with Server or Topic");
        AssertNames(Validate("ntfy", "phone", new() { ["TopicUrl"] = "https://ntfy.sh/" }), "phone:TopicUrl must end in the topic");
    }

    [Fact]
    public void A_value_that_does_not_convert_is_a_problem_naming_its_key()
    {
        var problems = Validate("teams", "t", new() { ["Url"] = "https://example.org/x", ["Timeout"] = "ten seconds" });

        var problem = Assert.Single(problems);
        Assert.Contains(Prefix + "t:Timeout", problem, StringComparison.Ordinal);
    }

    private static List<string> Validate(string type, string name, Dictionary<string, string?> values)
    {
        using var services = ChannelRig.Services();
        values["Type"] = type;
        return [.. ChannelRig.Factory(services, type).Validate(name, ChannelRig.Section(name, values))];
    }

    private static void AssertNames(IReadOnlyList<string> problems, params string[] starts)
    {
        Assert.Equal(starts.Length, problems.Count);
        foreach (var start in starts)
        {
            Assert.Contains(problems, p => p.StartsWith(Prefix + start, StringComparison.Ordinal));
        }
    }
}
