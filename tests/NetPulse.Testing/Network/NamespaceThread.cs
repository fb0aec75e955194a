using System.ComponentModel;
using System.Runtime.InteropServices;

namespace NetPulse.Testing.Network;

/// <summary>
/// Runs a piece of code on a short-lived thread that has entered a network namespace with setns(2).
/// A socket keeps the namespace it was created in for its whole life, whichever thread later uses it,
/// so this is how the test process owns sockets inside a namespace without a helper process.
/// </summary>
internal static class NamespaceThread
{
    private const int CloneNewNet = 0x40000000;

    public static T Run<T>(string namespaceName, Func<T> action)
    {
        var path = Path.Combine("/run/netns", namespaceName);
        T? result = default;
        Exception? failure = null;

        // setns changes only the calling thread. The thread is ours and ends right after, so the
        // process's other threads and the thread pool never run inside the namespace.
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
                if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), $"setns into {path} failed");
                }

                result = action();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        })
        {
            IsBackground = true,
            Name = $"netns {namespaceName}",
        };
        thread.Start();
        thread.Join();

        if (failure is not null)
        {
            throw new InvalidOperationException($"could not run inside network namespace {namespaceName}: {failure.Message}", failure);
        }

        return result!;
    }

    // DllImport rather than LibraryImport: the signature is blittable, and LibraryImport would make the
    // whole test library compile with unsafe code allowed.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNamespace(int fd, int namespaceType);
}
