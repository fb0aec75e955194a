using System.Globalization;
using Microsoft.Azure.Functions.Worker;

namespace NetPulse.Functions.Triggers;

/// <summary>The queue trigger's message id and dequeue count, from the invocation's binding data.</summary>
internal static class QueueTriggerMetadata
{
    public static (string Id, long DequeueCount) Read(FunctionContext context)
    {
        var data = context.BindingContext.BindingData;
        var id = data.TryGetValue("Id", out var idValue) ? Unquote(idValue) : string.Empty;
        var count = data.TryGetValue("DequeueCount", out var countValue)
                    && long.TryParse(Unquote(countValue), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : 0;
        return (id, count);
    }

    // Binding data arrives as JSON text: strings keep their quotes.
    private static string Unquote(object? value) => value?.ToString()?.Trim('"') ?? string.Empty;
}
