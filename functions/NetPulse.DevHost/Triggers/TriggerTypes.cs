using Microsoft.Azure.WebJobs;

namespace NetPulse.DevHost.Triggers;

/// <summary>The dev host's trigger classes: one per function of the Functions app, with the same names.</summary>
internal sealed class TriggerTypes : ITypeLocator
{
    public IReadOnlyList<Type> GetTypes() =>
        [typeof(IngestBatch), typeof(Minute)];
}
