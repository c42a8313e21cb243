// ContextSnapshot: what a -Context value and the environment were when Initialize-GitHubOidcContext
// resolved it, so the next command given the same value can reuse that resolution instead of
// shaping the value and asking the native layer again (issue 10: one Get within 1.5x a bare
// Invoke-RestMethod). It decides nothing about contexts: it only tells whether the input is
// the same. The same means: both absent, the same host-name text, or a dictionary of the same
// type with the same entries in the same order whose values are text, booleans or numbers
// (compared by value), and the same values of the environment variables the resolution read.
// Any other input (an object, a SecureString, a nested value) is not snapshotted, so it is
// resolved every time as before. A snapshot keeps references to the values it compares (a
// token among them, like the context it stands for) and never shows them.

using System;
using System.Collections;
using System.Collections.Generic;

namespace GitHubOidc.Native
{
    /// <summary>A -Context value and the environment it was resolved with; see the file's header.</summary>
    public sealed class ContextSnapshot
    {
        private readonly bool noToken;
        private readonly bool isText;
        private readonly string? text;
        private readonly Type? dictionaryType;
        private readonly object?[]? entries;
        private readonly string[] variables;
        private readonly string?[] values;

        private ContextSnapshot(bool noToken, bool isText, string? text, Type? dictionaryType, object?[]? entries, string[] variables)
        {
            this.noToken = noToken;
            this.isText = isText;
            this.text = text;
            this.dictionaryType = dictionaryType;
            this.entries = entries;
            this.variables = variables;
            values = Array.ConvertAll(variables, Environment.GetEnvironmentVariable);
        }

        /// <summary>
        /// The snapshot of <paramref name="context"/> (null, a string or a dictionary of plain
        /// values) and of the environment variables named, or null when the value cannot be
        /// snapshotted (then it must be resolved every time).
        /// </summary>
        public static ContextSnapshot? Take(object? context, bool noToken, string[]? variables)
        {
            var names = variables == null ? Array.Empty<string>() : Array.FindAll(variables, v => !string.IsNullOrEmpty(v));
            switch (context)
            {
                case null:
                    return new ContextSnapshot(noToken, false, null, null, null, names);
                case string s:
                    return new ContextSnapshot(noToken, true, s, null, null, names);
                case IDictionary dictionary:
                    var list = new List<object?>(dictionary.Count * 2);
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        if (!IsPlain(entry.Key) || !IsPlain(entry.Value)) return null;
                        list.Add(entry.Key);
                        list.Add(entry.Value);
                    }
                    return new ContextSnapshot(noToken, false, null, dictionary.GetType(), list.ToArray(), names);
                default:
                    return null;
            }
        }

        /// <summary>Whether <paramref name="context"/> and the environment are as they were when the snapshot was taken.</summary>
        public bool Matches(object? context, bool noToken)
        {
            if (noToken != this.noToken || !SameEnvironment()) return false;
            switch (context)
            {
                case null:
                    return !isText && dictionaryType == null;
                case string s:
                    return isText && string.Equals(s, text, StringComparison.Ordinal);
                case IDictionary dictionary:
                    if (entries == null || dictionary.GetType() != dictionaryType || dictionary.Count * 2 != entries.Length) return false;
                    var i = 0;
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        if (i >= entries.Length || !Same(entry.Key, entries[i]) || !Same(entry.Value, entries[i + 1])) return false;
                        i += 2;
                    }
                    return i == entries.Length;
                default:
                    return false;
            }
        }

        /// <summary>Never the values (a token may be among them).</summary>
        public override string ToString() => "GitHubOidc.Native.ContextSnapshot";

        private bool SameEnvironment()
        {
            for (var i = 0; i < variables.Length; i++)
            {
                if (!string.Equals(Environment.GetEnvironmentVariable(variables[i]), values[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        /// <summary>Text, booleans and numbers: immutable values compared by value.</summary>
        private static bool IsPlain(object? value) => value switch
        {
            null => true,
            string or bool or char => true,
            int or long or short or byte or sbyte or uint or ulong or ushort => true,
            double or float or decimal => true,
            _ => false,
        };

        private static bool Same(object? a, object? b) =>
            a == null ? b == null : b != null && a.GetType() == b.GetType() && a.Equals(b);
    }
}
