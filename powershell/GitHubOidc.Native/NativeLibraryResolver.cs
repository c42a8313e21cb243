// Finds the native Rust library for this process. A package carries one library per .NET runtime
// identifier in runtimes/<rid>/native/ beside bin/; .NET does not look there by itself for an
// assembly that PowerShell loads with Add-Type/Import-Module, so this assembly registers a
// DllImport resolver. Registration runs from the module initializer: before any type of this
// assembly is used, so before the first P/Invoke whichever way it comes (a command, an
// argument completer).

using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GitHubOidc.Native
{
    /// <summary>Locates the native library (runtimes/&lt;rid&gt;/native/) for the DllImports of this assembly.</summary>
    public static class NativeLibraryResolver
    {
        /// <summary>The name the generated interop imports (bindings/Interop.cs).</summary>
        private const string LibraryName = "github_oidc";

        [ModuleInitializer]
        [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
            Justification = "The resolver must be registered before the first P/Invoke, whichever type makes it.")]
        internal static void Register()
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }

        /// <summary>The platform's file name of the native library.</summary>
        public static string LibraryFileName => LibraryFileNameFor(RuntimeIdentifier);

        /// <summary>The file name of the native library on the platform of a runtime identifier.</summary>
        public static string LibraryFileNameFor(string runtimeIdentifier) =>
            runtimeIdentifier.StartsWith("win", StringComparison.Ordinal) ? "github_oidc.dll" :
            runtimeIdentifier.StartsWith("osx", StringComparison.Ordinal) ? "libgithub_oidc.dylib" : "libgithub_oidc.so";

        /// <summary>The .NET runtime identifier of this process (linux-x64, osx-arm64, win-x64, …).</summary>
        public static string RuntimeIdentifier
        {
            get
            {
                var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
                var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
                return $"{os}-{arch}";
            }
        }

        /// <summary>The module folder: the parent of bin/, where this assembly lives.</summary>
        public static string ModuleRoot
        {
            get
            {
                var bin = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location) ?? ".";
                return Path.GetDirectoryName(bin) ?? bin;
            }
        }

        /// <summary>Where the native library is looked for, in order.</summary>
        public static string[] LibraryCandidates
        {
            get
            {
                var bin = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location) ?? ".";
                return new[]
                {
                    Path.Combine(ModuleRoot, "runtimes", RuntimeIdentifier, "native", LibraryFileName),
                    Path.Combine(bin, LibraryFileName),
                };
            }
        }

        /// <summary>The runtime identifiers this copy of the module carries a native library for.</summary>
        public static string[] AvailableRuntimeIdentifiers
        {
            get
            {
                var runtimes = Path.Combine(ModuleRoot, "runtimes");
                if (!Directory.Exists(runtimes)) return Array.Empty<string>();
                return Directory.GetDirectories(runtimes)
                    .Select(Path.GetFileName)
                    .OfType<string>()
                    .Where(rid => File.Exists(Path.Combine(runtimes, rid, "native", LibraryFileNameFor(rid))))
                    .OrderBy(rid => rid, StringComparer.Ordinal)
                    .ToArray();
            }
        }

        /// <summary>
        /// Null when a native library for this platform is where the resolver looks; otherwise why
        /// not (<see cref="MissingLibraryMessage"/>). Loads nothing: the module's first call asks
        /// this before it loads the library and checks its API.
        /// </summary>
        public static string? FindMissingLibrary()
        {
            var candidates = LibraryCandidates;
            return candidates.Any(File.Exists) ? null : MissingLibraryMessage(candidates);
        }

        /// <summary>
        /// Null when this platform's native library loads and answers the API this facade was
        /// generated for (ghoidc_api_guard); otherwise the module's message saying why not (a copy
        /// without it names the platforms it carries; a library that fails to load, its innermost
        /// reason). The module's first call asks this once, in one call (issue 20).
        /// </summary>
        public static string? LoadProblem()
        {
            var missing = FindMissingLibrary();
            if (missing != null)
            {
                return $"GitHubOidc: cannot load the native library ({RuntimeIdentifier}). {missing}";
            }
            try
            {
                Interop.ghoidc_api_guard();
                return null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var reason = e;
                while (reason.InnerException != null) reason = reason.InnerException;
                return $"GitHubOidc: cannot load the native library ({RuntimeIdentifier}). {reason.Message}";
            }
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        {
            if (name != LibraryName) return IntPtr.Zero;
            var candidates = LibraryCandidates;
            foreach (var candidate in candidates)
            {
                if (File.Exists(candidate)) return NativeLibrary.Load(candidate);
            }
            throw new DllNotFoundException(MissingLibraryMessage(candidates));
        }

        /// <summary>Why the library could not be found: this platform, what the module carries, where it looked.</summary>
        public static string MissingLibraryMessage(string[] candidates)
        {
            var available = AvailableRuntimeIdentifiers;
            var carried = available.Length == 0 ? "none" : string.Join(", ", available);
            return $"This copy of GitHubOidc has no native library for {RuntimeIdentifier} " +
                $"({RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}); it carries: {carried}. " +
                $"Looked for: {string.Join(", ", candidates)}. " +
                $"Install a release that supports {RuntimeIdentifier} (Install-PSResource GitHubOidc), " +
                "or build the module from source with ./build.ps1 (needs Rust and the .NET SDK).";
        }
    }
}
