// Sub-objects that a reference on their owner does not keep alive: a pointer member of a
// kernel object whose target has its own lifetime (its own count, or its own lock), and that
// the owner can drop or replace while it stays alive. (A file's path and inode are not here:
// the file keeps them until its last reference goes.) Holding
// the owner (a trusted task, a file) is not enough to keep such a member, or, for some, even to
// use it: the owner can drop it at any moment (a task exiting drops its mm). A function that
// keeps such a pointer beyond the call, or uses one that is not RCU-freed, must pin it first
// with the getter or one of the pins named here.
//
// `pins` take the sub-object itself (`mmget(mm)`); `getters` take the owner and return the
// sub-object pinned (`get_task_mm(task)`); `locks` take the owner and make a read stable while
// held. `useNeedsPin`: the sub-object is freed without an RCU grace period, so even using it
// within the call needs a pin or the owner's lock; otherwise only keeping it does.
//
// Where it comes from: the cited file of the 6.12 tree for each entry.

export interface SubObjectFact {
  /** The owner's struct name. */
  owner: string;
  /** Members of the owner that point to the sub-object. */
  fields: readonly string[];
  pins: readonly string[];
  getters: readonly string[];
  locks: readonly string[];
  useNeedsPin: boolean;
  /** The pin or getter to name in a message. */
  advice: string;
  why: string;
}

export const SUB_OBJECTS: readonly SubObjectFact[] = [
  {
    owner: 'task_struct',
    fields: ['mm'],
    pins: ['mmget', 'mmget_not_zero', 'mmgrab'],
    getters: ['get_task_mm', 'mm_access'],
    locks: ['task_lock', 'spin_lock', 'spin_trylock', 'spin_lock_irqsave', 'raw_spin_lock'],
    useNeedsPin: true,
    advice: 'get_task_mm() (or mmget() under task_lock()), and mmput() when done',
    why: "kernel/exit.c exit_mm() clears task->mm under task_lock() and drops the task's mm_users with mmput(); the mm_struct is then freed by __mmdrop() (kernel/fork.c) without an RCU grace period. kernel/fork.c get_task_mm() reads task->mm under task_lock() and raises mm_users with mmget()",
  },
  {
    owner: 'task_struct',
    fields: ['nsproxy'],
    pins: ['get_nsproxy'],
    getters: [],
    locks: ['task_lock'],
    useNeedsPin: true,
    advice: 'task_lock() around the read and get_nsproxy() to keep it',
    why: 'include/linux/nsproxy.h: the nsproxy of a task other than current may be read only under task_lock(); exit_task_namespaces() (kernel/nsproxy.c) drops it when the task exits',
  },
  {
    owner: 'task_struct',
    fields: ['cred', 'real_cred'],
    pins: ['get_cred', 'get_cred_rcu', 'get_new_cred'],
    getters: ['get_task_cred', 'get_current_cred'],
    locks: [],
    useNeedsPin: false,
    advice: 'get_task_cred() and put_cred() when done',
    why: 'kernel/cred.c get_task_cred(): "pinning them so that they can\'t go away. Accessing a task\'s credentials directly is not permitted"; commit_creds() replaces them and put_cred() frees the old ones after RCU',
  },
  {
    owner: 'task_struct',
    fields: ['real_parent', 'parent', 'group_leader'],
    pins: ['get_task_struct', 'tryget_task_struct'],
    getters: [],
    locks: [],
    useNeedsPin: false,
    advice: 'get_task_struct() under rcu_read_lock() and put_task_struct() when done',
    why: 'kernel/exit.c: forget_original_parent() reparents children and de_thread() (fs/exec.c) changes group_leader; the old task is freed after RCU (delayed_put_task_struct()) once its last reference goes',
  },
  {
    owner: 'dentry',
    fields: ['d_parent'],
    pins: ['dget'],
    getters: ['dget_parent'],
    locks: ['spin_lock'],
    useNeedsPin: false,
    advice: 'dget_parent() and dput() when done',
    why: 'fs/dcache.c dget_parent(): a rename can move the dentry and drop the old parent at any time; the parent must be taken with dget_parent()',
  },
  {
    owner: 'sk_buff',
    fields: ['dev'],
    pins: ['dev_hold', 'netdev_hold'],
    getters: [],
    locks: [],
    useNeedsPin: false,
    advice: 'dev_hold()/netdev_hold() and the matching put when done',
    why: 'net/core/dev.c: an skb does not hold its device; unregister_netdevice() waits only for references taken with dev_hold()/netdev_hold(), and the device is freed after RCU',
  },
];

/** The sub-object fact of member `field` of struct `owner`, if any. */
export function subObjectFact(owner: string, field: string): SubObjectFact | undefined {
  return SUB_OBJECTS.find((f) => f.owner === owner && f.fields.includes(field));
}
